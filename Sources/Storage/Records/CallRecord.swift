public import Foundation
public import GRDB

/// A finished call, answered or not (a CDR): who called from where, what was dialled, which
/// providers were tried, how it ended and what it cost. Kept for billing and as evidence of
/// fraud, so it names accounts, devices and providers by id without depending on them: the
/// record outlives them, and `callerName` and `destination` keep their names.
///
/// `userAgent`, `fromHeader`, `toHeader`, `contact`, `requestURI` and `reason` are as the peer
/// sent them: attacker-controlled, to be escaped wherever they are shown.
public struct CallRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var callID: String
    /// When the INVITE arrived.
    public var startedAt: Date
    /// The first provisional response with ringing (180/183), if any.
    public var ringingAt: Date?
    public var answeredAt: Date?
    public var endedAt: Date
    /// From answer to end; 0 when the call was not answered.
    public var durationMillis: Int
    /// The seconds charged for, after the rate's minimum and increment.
    public var billableSeconds: Int
    /// `device`, `provider`, `guest` or `unidentified`.
    public var callerKind: String
    public var accountId: Int64?
    public var deviceId: Int64?
    /// The device's username or the provider's name, as it was at the time of the call.
    public var callerName: String?
    /// The provider the call came from.
    public var providerId: Int64?
    public var sourceIP: String
    public var sourcePort: Int
    public var transport: String
    public var userAgent: String?
    public var fromHeader: String
    public var toHeader: String
    public var contact: String?
    public var requestURI: String
    /// The number as the dial plan understood it.
    public var dialledNumber: String
    /// `device`, `provider` or `none`.
    public var destinationKind: String
    /// The device's username or the provider's name.
    public var destination: String?
    /// The providers tried, in order.
    public var attempts: [CallAttempt]
    /// The final status code sent to the caller (200 for an answered call).
    public var status: Int
    public var reason: String
    /// Why the call ended, as a short machine-readable word (`normal`, `busy`, `no-route`...).
    public var cause: String
    /// `caller`, `callee`, `server` or `none`.
    public var hangupBy: String
    /// Millionths of the currency unit, charged to the account with the record.
    public var costMicros: Int64
    /// The rate prefix the cost was computed with.
    public var ratePrefix: String?
    /// The call this one came from (the call a transfer was made in).
    public var relatedCallID: String?
    /// The caller ID the switch presented for the caller (its asserted identity).
    public var callerID: String?

    public init(
        callID: String, startedAt: Date, ringingAt: Date? = nil, answeredAt: Date? = nil, endedAt: Date,
        durationMillis: Int = 0, billableSeconds: Int = 0, callerKind: String, accountId: Int64? = nil,
        deviceId: Int64? = nil, callerName: String? = nil, providerId: Int64? = nil, sourceIP: String, sourcePort: Int,
        transport: String, userAgent: String? = nil, fromHeader: String, toHeader: String, contact: String? = nil,
        requestURI: String, dialledNumber: String, destinationKind: String, destination: String? = nil,
        attempts: [CallAttempt] = [], status: Int, reason: String, cause: String, hangupBy: String,
        costMicros: Int64 = 0, ratePrefix: String? = nil, relatedCallID: String? = nil, callerID: String? = nil
    ) {
        self.callID = callID
        self.startedAt = startedAt
        self.ringingAt = ringingAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.durationMillis = durationMillis
        self.billableSeconds = billableSeconds
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
        self.attempts = attempts
        self.status = status
        self.reason = reason
        self.cause = cause
        self.hangupBy = hangupBy
        self.costMicros = costMicros
        self.ratePrefix = ratePrefix
        self.relatedCallID = relatedCallID
        self.callerID = callerID
    }

    public static let databaseTableName = "cdr"

    public static func databaseJSONEncoder(for column: String) -> JSONEncoder { StoredJSON.encoder() }
    public static func databaseJSONDecoder(for column: String) -> JSONDecoder { StoredJSON.decoder() }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
