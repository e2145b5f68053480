import Foundation
import Storage

/// `sipwarden cdr ...`: the calls the server finished, for billing questions and fraud
/// investigations. Most text in a record is what the caller sent, so every output escapes
/// it: the table, `show` and CSV through `PrintableText` (CSV also quoted per RFC 4180 and
/// with formulas defused), JSON per RFC 8259.
public struct CDRCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// `cdr list` options as typed; nil when not given.
    public struct ListOptions: Sendable, Equatable {
        public var from: String?
        public var to: String?
        /// An account name or id.
        public var account: String?
        /// A device username.
        public var device: String?
        public var cause: String?
        public var limit: String?
        public var json: Bool
        public var csv: Bool

        public init(
            from: String? = nil, to: String? = nil, account: String? = nil, device: String? = nil, cause: String? = nil,
            limit: String? = nil, json: Bool = false, csv: Bool = false
        ) {
            self.from = from
            self.to = to
            self.account = account
            self.device = device
            self.cause = cause
            self.limit = limit
            self.json = json
            self.csv = csv
        }
    }

    static let defaultLimit = 50
    static let limitRange = 1...10_000

    /// Newest first.
    public func list(_ options: ListOptions) throws(ManagementError) -> String {
        if options.json, options.csv { throw .usage("give --json or --csv, not both") }
        let filter = try filter(options)
        let (records, total) = try session.storage { () throws -> ([CallRecord], Int) in
            (try session.database.callRecords(filter), try session.database.callRecordCount(filter))
        }
        if options.json { return JSONValue.array(records.map(CallRecordOutput.json)).serialized() + "\n" }
        if options.csv {
            // CSV has no escapes of its own, and the output is often read in a terminal before
            // a spreadsheet: the fields get the table's escapes (reversible: a backslash is
            // doubled), so a peer's control characters never reach either raw.
            return CSVText.row(CallRecordOutput.csvHeader)
                + records.map { CSVText.row(CallRecordOutput.csvFields($0).map(PrintableText.escape)) }.joined()
        }
        var table = TextTable(["ID", "START", "CALLER", "FROM-IP", "DIALLED", "DESTINATION", "STATUS", "CAUSE", "DURATION", "COST"])
        for record in records {
            table.append([
                String(record.id ?? 0), record.startedAt.iso8601, CallRecordOutput.caller(record), record.sourceIP,
                record.dialledNumber, record.destination ?? "-", String(record.status), record.cause,
                CallRecordOutput.seconds(millis: record.durationMillis), MoneyAmount.format(micros: record.costMicros),
            ])
        }
        let more = total > records.count ? "\(records.count) of \(total) call records shown; narrow with --from and --to, or raise --limit\n" : ""
        return table.render() + more
    }

    public func show(_ reference: String, json: Bool) throws(ManagementError) -> String {
        guard let id = Int64(reference), id > 0, reference.allSatisfy(\.isASCIIDigit) else {
            throw .usage("ID: \"\(PrintableText.escape(reference))\" is not a call record id")
        }
        let found = try session.storage { () throws -> (CallRecord, Account?, Provider?)? in
            guard let record = try session.database.callRecord(id: id) else { return nil }
            return (record, try record.accountId.flatMap(session.database.account(id:)),
                    try record.providerId.flatMap(session.database.provider(id:)))
        }
        guard let (record, account, provider) = found else { throw .refused("call record \(id) not found") }
        if json { return CallRecordOutput.json(record).serialized() + "\n" }
        var fields: [(String, String)] = [
            ("id", String(id)),
            ("call id", record.callID),
            ("started", record.startedAt.iso8601Milliseconds),
            ("ringing", record.ringingAt?.iso8601Milliseconds ?? "-"),
            ("answered", record.answeredAt?.iso8601Milliseconds ?? "-"),
            ("ended", record.endedAt.iso8601Milliseconds),
            ("duration", CallRecordOutput.seconds(millis: record.durationMillis) + " s"),
            ("billable", "\(record.billableSeconds) s"),
            ("caller", record.callerKind + (record.callerName.map { " " + $0 } ?? "")),
            ("account", Self.reference(record.accountId, name: account?.name)),
            ("device", record.deviceId.map(String.init) ?? "-"),
            ("provider", Self.reference(record.providerId, name: provider?.name)),
            ("source", CallRecordOutput.source(record)),
            ("user agent", record.userAgent ?? "-"),
            ("from", record.fromHeader),
            ("to", record.toHeader),
            ("contact", record.contact ?? "-"),
            ("request uri", record.requestURI),
            ("dialled", record.dialledNumber),
            ("destination", record.destinationKind + (record.destination.map { " " + $0 } ?? "")),
            ("status", "\(record.status) \(record.reason)"),
            ("cause", record.cause),
            ("hangup by", record.hangupBy),
            ("cost", MoneyAmount.format(micros: record.costMicros)),
            ("rate prefix", record.ratePrefix ?? "-"),
            ("caller id", record.callerID ?? "-"),
            ("transfer of", record.relatedCallID ?? "-"),
        ]
        if record.attempts.isEmpty { fields.append(("attempts", "none")) }
        for (index, attempt) in record.attempts.enumerated() {
            fields.append(("attempt \(index + 1)", CallRecordOutput.attemptLine(attempt)))
        }
        return TextTable.fields(fields)
    }

    // MARK: - Helpers

    private func filter(_ options: ListOptions) throws(ManagementError) -> CallRecordFilter {
        var filter = CallRecordFilter(limit: Self.defaultLimit)
        if let from = options.from { filter.from = try OptionValue.date(from, option: "--from") }
        if let to = options.to { filter.to = try OptionValue.date(to, option: "--to") }
        if let from = filter.from, let to = filter.to, to <= from { throw .usage("--to: must be after --from") }
        if let limit = options.limit { filter.limit = try OptionValue.integer(limit, option: "--limit", in: Self.limitRange) }
        if let cause = options.cause { filter.cause = try OptionValue.headerText(cause, option: "--cause", maximumLength: 64) }
        if let reference = options.account { filter.accountId = try accountId(reference) }
        if let username = options.device { filter.deviceId = try session.device(username).id }
        return filter
    }

    /// An existing account by name or id; a bare id of a removed account still selects its
    /// records, which outlive it.
    private func accountId(_ reference: String) throws(ManagementError) -> Int64 {
        do throws(ManagementError) {
            return try session.account(reference).id ?? 0
        } catch {
            if let id = Int64(reference), id > 0, reference.allSatisfy(\.isASCIIDigit) { return id }
            throw error
        }
    }

    /// `3 (acme)`; `3` once the row is gone; `-` for none.
    private static func reference(_ id: Int64?, name: String?) -> String {
        guard let id else { return "-" }
        return name.map { "\(id) (\($0))" } ?? String(id)
    }
}
