import Foundation
public import GRDB

/// An answered call while it lasts: enough to close it, charge it and hang it up should the
/// server die before the call ends. Written when the call is answered, removed in the
/// transaction that writes the call's record; while the server runs, one heartbeat row says
/// when all its calls were last seen up (`LiveCallRepository.touchLiveCalls`). One row of plain columns (times in Unix milliseconds), written with one
/// prepared statement: at a thousand calls a second this is on the write path.
public struct LiveCall: Sendable, Equatable, FetchableRecord {
    /// What the call's record will say, known at the answer.
    public struct Record: Sendable, Equatable {
        public var startedAt: Int64
        public var ringingAt: Int64?
        public var callerKind: String
        public var accountId: Int64?
        public var deviceId: Int64?
        public var callerName: String?
        public var providerId: Int64?
        public var sourceIP: String
        public var sourcePort: Int
        public var transport: String
        public var userAgent: String?
        public var fromHeader: String
        public var toHeader: String
        public var contact: String?
        public var requestURI: String
        public var dialledNumber: String
        public var destinationKind: String
        public var destination: String?
        public var ratePrefix: String?
        public var callerID: String?
        public var relatedCallID: String?

        public init(
            startedAt: Int64, ringingAt: Int64?, callerKind: String, accountId: Int64?, deviceId: Int64?, callerName: String?, providerId: Int64?,
            sourceIP: String, sourcePort: Int, transport: String, userAgent: String?, fromHeader: String, toHeader: String, contact: String?,
            requestURI: String, dialledNumber: String, destinationKind: String, destination: String?, ratePrefix: String?, callerID: String?,
            relatedCallID: String?
        ) {
            self.startedAt = startedAt
            self.ringingAt = ringingAt
            self.callerKind = callerKind
            self.accountId = accountId
            self.deviceId = deviceId
            self.callerName = callerName
            self.providerId = providerId
            self.sourceIP = sourceIP
            self.sourcePort = sourcePort
            self.transport = transport
            self.userAgent = userAgent
            self.fromHeader = fromHeader
            self.toHeader = toHeader
            self.contact = contact
            self.requestURI = requestURI
            self.dialledNumber = dialledNumber
            self.destinationKind = destinationKind
            self.destination = destination
            self.ratePrefix = ratePrefix
            self.callerID = callerID
            self.relatedCallID = relatedCallID
        }
    }

    /// One party of the dialog, as the switch reaches it.
    public struct Party: Sendable, Equatable {
        public var transport: String
        public var ip: String
        public var port: Int
        /// Its tag, and the URI its requests go to (the Contact it gave).
        public var tag: String
        public var target: String?
        /// The highest CSeq it used.
        public var cseq: UInt32

        public init(transport: String, ip: String, port: Int, tag: String, target: String?, cseq: UInt32) {
            self.transport = transport
            self.ip = ip
            self.port = port
            self.tag = tag
            self.target = target
            self.cseq = cseq
        }
    }

    /// The price of the call, to charge it when it is closed after a crash.
    public struct Price: Sendable, Equatable {
        public var pricePerMinuteMicros: Int64
        public var connectionFeeMicros: Int64
        public var incrementSeconds: Int
        public var minimumSeconds: Int

        public init(pricePerMinuteMicros: Int64, connectionFeeMicros: Int64, incrementSeconds: Int, minimumSeconds: Int) {
            self.pricePerMinuteMicros = pricePerMinuteMicros
            self.connectionFeeMicros = connectionFeeMicros
            self.incrementSeconds = incrementSeconds
            self.minimumSeconds = minimumSeconds
        }
    }

    public var callID: String
    /// Unix milliseconds.
    public var answeredAt: Int64
    /// Unix milliseconds: when written; when read back, the later of that and the heartbeat.
    public var lastSeenAt: Int64
    public var record: Record
    public var caller: Party
    public var callee: Party
    /// From and To as the caller sent them (To without the callee's tag), and the From the
    /// callee saw when the switch presented the caller otherwise.
    public var callerFrom: String
    public var callerTo: String
    public var forwardedFrom: String?
    /// The longest the call may last (its money included).
    public var maxSeconds: Int
    public var price: Price?

    public init(
        callID: String, answeredAt: Int64, lastSeenAt: Int64, record: Record, caller: Party, callee: Party, callerFrom: String,
        callerTo: String, forwardedFrom: String?, maxSeconds: Int, price: Price?
    ) {
        self.callID = callID
        self.answeredAt = answeredAt
        self.lastSeenAt = lastSeenAt
        self.record = record
        self.caller = caller
        self.callee = callee
        self.callerFrom = callerFrom
        self.callerTo = callerTo
        self.forwardedFrom = forwardedFrom
        self.maxSeconds = maxSeconds
        self.price = price
    }

    public static let databaseTableName = "liveCall"

    /// The columns, in the order `insertSQL` and `arguments` use.
    static let columns = [
        "callID", "answeredAt", "lastSeenAt", "startedAt", "ringingAt", "callerKind", "accountId", "deviceId", "callerName", "providerId",
        "sourceIP", "sourcePort", "transport", "userAgent", "fromHeader", "toHeader", "contact", "requestURI", "dialledNumber",
        "destinationKind", "destination", "ratePrefix", "callerID", "relatedCallID",
        "callerTransport", "callerIP", "callerPort", "callerTag", "callerTarget", "callerCSeq",
        "calleeTransport", "calleeIP", "calleePort", "calleeTag", "calleeTarget", "calleeCSeq",
        "callerFrom", "callerTo", "forwardedFrom", "maxSeconds",
        "pricePerMinuteMicros", "connectionFeeMicros", "incrementSeconds", "minimumSeconds",
    ]

    static let insertSQL =
        "INSERT OR REPLACE INTO liveCall (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"

    var arguments: StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            callID, answeredAt, lastSeenAt, record.startedAt, record.ringingAt, record.callerKind, record.accountId, record.deviceId,
            record.callerName, record.providerId, record.sourceIP, record.sourcePort, record.transport, record.userAgent, record.fromHeader,
            record.toHeader, record.contact, record.requestURI, record.dialledNumber, record.destinationKind, record.destination,
            record.ratePrefix, record.callerID, record.relatedCallID,
            caller.transport, caller.ip, caller.port, caller.tag, caller.target, Int64(caller.cseq),
            callee.transport, callee.ip, callee.port, callee.tag, callee.target, Int64(callee.cseq),
            callerFrom, callerTo, forwardedFrom, maxSeconds,
            price?.pricePerMinuteMicros, price?.connectionFeeMicros, price?.incrementSeconds, price?.minimumSeconds,
        ]
        return StatementArguments(values)
    }

    public init(row: Row) throws {
        callID = row["callID"]
        answeredAt = row["answeredAt"]
        lastSeenAt = row["lastSeenAt"]
        record = Record(
            startedAt: row["startedAt"], ringingAt: row["ringingAt"], callerKind: row["callerKind"], accountId: row["accountId"],
            deviceId: row["deviceId"], callerName: row["callerName"], providerId: row["providerId"], sourceIP: row["sourceIP"],
            sourcePort: row["sourcePort"], transport: row["transport"], userAgent: row["userAgent"], fromHeader: row["fromHeader"],
            toHeader: row["toHeader"], contact: row["contact"], requestURI: row["requestURI"], dialledNumber: row["dialledNumber"],
            destinationKind: row["destinationKind"], destination: row["destination"], ratePrefix: row["ratePrefix"], callerID: row["callerID"],
            relatedCallID: row["relatedCallID"])
        caller = Party(
            transport: row["callerTransport"], ip: row["callerIP"], port: row["callerPort"], tag: row["callerTag"], target: row["callerTarget"],
            cseq: UInt32(clamping: row["callerCSeq"] as Int64))
        callee = Party(
            transport: row["calleeTransport"], ip: row["calleeIP"], port: row["calleePort"], tag: row["calleeTag"], target: row["calleeTarget"],
            cseq: UInt32(clamping: row["calleeCSeq"] as Int64))
        callerFrom = row["callerFrom"]
        callerTo = row["callerTo"]
        forwardedFrom = row["forwardedFrom"]
        maxSeconds = row["maxSeconds"]
        if let perMinute: Int64 = row["pricePerMinuteMicros"] {
            price = Price(
                pricePerMinuteMicros: perMinute, connectionFeeMicros: row["connectionFeeMicros"] ?? 0, incrementSeconds: row["incrementSeconds"] ?? 1,
                minimumSeconds: row["minimumSeconds"] ?? 0)
        } else {
            price = nil
        }
    }

    /// Writes the rows with one prepared statement (a call written again replaces its row).
    static func insert(_ calls: [LiveCall], _ db: Database) throws {
        guard !calls.isEmpty else { return }
        let statement = try db.cachedStatement(sql: insertSQL)
        for call in calls { try statement.execute(arguments: call.arguments) }
    }
}
