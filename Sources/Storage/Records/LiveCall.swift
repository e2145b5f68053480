public import Foundation
public import GRDB

/// An answered call while it lasts: enough to close it, charge it and hang it up should the
/// server die before the call ends. Written when the call is answered, its `lastSeenAt`
/// moved on every few seconds while the server runs, removed in the transaction that writes
/// the call's record.
public struct LiveCall: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// One party of the dialog, as the switch reaches it.
    public struct Party: Codable, Sendable, Equatable {
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
    public struct Price: Codable, Sendable, Equatable {
        public var prefix: String
        public var pricePerMinuteMicros: Int64
        public var connectionFeeMicros: Int64
        public var incrementSeconds: Int
        public var minimumSeconds: Int

        public init(prefix: String, pricePerMinuteMicros: Int64, connectionFeeMicros: Int64, incrementSeconds: Int, minimumSeconds: Int) {
            self.prefix = prefix
            self.pricePerMinuteMicros = pricePerMinuteMicros
            self.connectionFeeMicros = connectionFeeMicros
            self.incrementSeconds = incrementSeconds
            self.minimumSeconds = minimumSeconds
        }
    }

    /// What `state` holds.
    public struct State: Codable, Sendable, Equatable {
        /// The record so far (its end, cost and cause are filled in when it is closed).
        public var record: CallRecord
        public var caller: Party
        public var callee: Party
        /// From and To as the caller sent them (To without the callee's tag), and the From
        /// the callee saw when the switch presented the caller otherwise.
        public var callerFrom: String
        public var callerTo: String
        public var forwardedFrom: String?
        /// The longest the call may last (its money included).
        public var maxSeconds: Int
        public var price: Price?

        public init(
            record: CallRecord, caller: Party, callee: Party, callerFrom: String, callerTo: String, forwardedFrom: String?, maxSeconds: Int,
            price: Price?
        ) {
            self.record = record
            self.caller = caller
            self.callee = callee
            self.callerFrom = callerFrom
            self.callerTo = callerTo
            self.forwardedFrom = forwardedFrom
            self.maxSeconds = maxSeconds
            self.price = price
        }
    }

    public var callID: String
    public var answeredAt: Date
    public var lastSeenAt: Date
    public var state: State

    public init(callID: String, answeredAt: Date, lastSeenAt: Date, state: State) {
        self.callID = callID
        self.answeredAt = answeredAt
        self.lastSeenAt = lastSeenAt
        self.state = state
    }

    public static let databaseTableName = "liveCall"

    public static func databaseJSONEncoder(for column: String) -> JSONEncoder { StoredJSON.encoder() }
    public static func databaseJSONDecoder(for column: String) -> JSONDecoder { StoredJSON.decoder() }
}
