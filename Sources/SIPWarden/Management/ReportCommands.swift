import Foundation
import GeoIP
import Guard
import Storage

/// `sipwarden report ...`: figures over a period, read through the storage's report readers
/// one row at a time and computed by the pure reports of `Sources/SIPWarden/Reports` (which
/// the console calls too); this type only checks the options and renders. Sources, usernames
/// and names are printed through `PrintableText` (CSV also through `CSVText`), JSON per RFC 8259.
public struct ReportCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// The options every report takes, as typed; nil when not given.
    public struct Options: Sendable, Equatable {
        public var from: String?
        public var to: String?
        /// `hour` or `day`; nil: hour.
        public var by: String?
        public var json: Bool
        public var csv: Bool

        public init(from: String? = nil, to: String? = nil, by: String? = nil, json: Bool = false, csv: Bool = false) {
            self.from = from
            self.to = to
            self.by = by
            self.json = json
            self.csv = csv
        }
    }

    public func calls(_ options: Options) throws(ManagementError) -> String {
        let (period, format) = try checked(options)
        let report = try session.storage { () throws -> CallsReport in
            var accumulator = CallsReport.Accumulator(period: period, accountNames: try accountNames())
            try session.database.forEachCallRecord(from: period.from, to: period.to) { accumulator.add($0) }
            return accumulator.report()
        }
        return CallsReportOutput.render(report, format)
    }

    public func online(_ options: Options) throws(ManagementError) -> String {
        let (period, format) = try checked(options)
        let samples = try session.storage { try session.database.onlineSamples(from: period.from, to: period.to) }
        return OnlineReportOutput.render(OnlineReport(period: period, samples: samples), format)
    }

    public func security(_ options: Options) throws(ManagementError) -> String {
        let (period, format) = try checked(options)
        let countryOf = try countryLookup()
        let accumulator = try session.storage { () throws -> SecurityReport.Accumulator in
            var accumulator = SecurityReport.Accumulator(period: period)
            try session.database.forEachUnidentifiedAttempt(from: period.from, to: period.to) { accumulator.add($0) }
            for ban in try session.database.bans(startedFrom: period.from, to: period.to) { accumulator.add(ban) }
            return accumulator
        }
        return SecurityReportOutput.render(accumulator.report(countryOf: countryOf), format)
    }

    public func cost(_ options: Options) throws(ManagementError) -> String {
        let (period, format) = try checked(options)
        let report = try session.storage { () throws -> CostReport in
            var accumulator = CostReport.Accumulator(period: period, accountNames: try accountNames())
            try session.database.forEachCallRecord(from: period.from, to: period.to) { accumulator.add($0) }
            return accumulator.report()
        }
        return CostReportOutput.render(report, format)
    }

    // MARK: - Helpers

    /// The period and the output form, or the first thing wrong with the options.
    private func checked(_ options: Options) throws(ManagementError) -> (ReportPeriod, ReportOutput.Format) {
        if options.json, options.csv { throw .usage("give --json or --csv, not both") }
        guard let fromText = options.from else { throw .usage("--from: required; expected \(OptionValue.dateForms)") }
        guard let toText = options.to else { throw .usage("--to: required; expected \(OptionValue.dateForms)") }
        let from = try OptionValue.date(fromText, option: "--from")
        let to = try OptionValue.date(toText, option: "--to")
        var granularity = ReportGranularity.hour
        if let by = options.by { granularity = try OptionValue.choice(by, option: "--by") }
        let period: ReportPeriod
        do throws(ReportPeriod.Problem) {
            period = try ReportPeriod(from: from, to: to, by: granularity)
        } catch {
            switch error {
            case .empty: throw .usage("--to: must be after --from")
            case .tooLong: throw .usage("--to: more than \(ReportPeriod.maximumDays) days after --from; a report covers at most \(ReportPeriod.maximumDays) days")
            }
        }
        return (period, options.json ? .json : options.csv ? .csv : .table)
    }

    /// Account names by id, as they are now (a record keeps only the id).
    private func accountNames() throws -> [Int64: String] {
        Dictionary(try session.database.accounts().compactMap { account in account.id.map { ($0, account.name) } }) { first, _ in first }
    }

    /// The configured country database as the security report's lookup; nil without one.
    /// The configuration loader has opened it already, so a failure here is a file changed
    /// or removed since: refused rather than reported as "unknown" everywhere.
    private func countryLookup() throws(ManagementError) -> ((String) -> String?)? {
        guard let path = session.countryDatabase else { return nil }
        let database: CountryDatabase
        do throws(MMDBError) {
            database = try CountryDatabase(path: path)
        } catch {
            throw .failed("guard.countries.database: \(error)")
        }
        return { address in AddressKey(address).flatMap(database.countryCode(of:)) }
    }
}
