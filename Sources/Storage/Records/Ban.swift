public import Foundation
public import GRDB

/// A network the Guard (or an operator) refused, with why and for how long. Rows are never
/// deleted: a lifted or expired ban stays as history, for `ban explain` and so that a source
/// banned again gets a longer ban (`offense`).
///
/// `jail`, `createdBy` and `liftedBy` are open sets of names (see the constants) rather than
/// CHECK-constrained columns: a new jail or a new kind of client must not need a table
/// rebuild.
public struct Ban: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    /// Canonical CIDR text (`192.0.2.7/32`, `2001:db8:1:2::/64`), as `IPNetwork.description`
    /// writes it: equal networks are equal text.
    public var network: String
    /// `sip-auth`, `sip-scanner`, ..., `manual`, `blocklist`, `country`.
    public var jail: String
    public var reason: String
    /// The events that led to the ban, oldest first; empty for a manual ban.
    public var evidence: [BanEvidence]
    public var startedAt: Date
    /// nil: permanent.
    public var expiresAt: Date?
    public var liftedAt: Date?
    /// `expiry`, `cli`, `console` or `api`.
    public var liftedBy: String?
    /// `guard`, `cli`, `console`, `api` or `blocklist`.
    public var createdBy: String
    /// This is the nth ban of `network` (1 for the first): the Guard lengthens repeat bans.
    public var offense: Int

    public init(
        network: String, jail: String, reason: String, evidence: [BanEvidence] = [], startedAt: Date, expiresAt: Date?,
        createdBy: String, offense: Int = 1
    ) {
        self.network = network
        self.jail = jail
        self.reason = reason
        self.evidence = evidence
        self.startedAt = startedAt
        self.expiresAt = expiresAt
        self.createdBy = createdBy
        self.offense = offense
    }

    /// Not lifted, and permanent or not yet expired at `now`.
    public func isActive(at now: Date) -> Bool {
        liftedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }

    public static let manualJail = "manual"
    public static let liftedByExpiry = "expiry"

    public static let databaseTableName = "ban"

    public static func databaseJSONEncoder(for column: String) -> JSONEncoder { StoredJSON.encoder() }
    public static func databaseJSONDecoder(for column: String) -> JSONDecoder { StoredJSON.decoder() }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
