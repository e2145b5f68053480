public import Foundation
public import GRDB

/// Where the server's registration to a provider stands (RFC 3261 §10.2), written by the
/// server and read by `sipwarden provider status`. One row per provider.
public struct ProviderRegistrationStatus: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public enum State: String, Codable, Sendable, CaseIterable {
        case registering, registered, failed, disabled
    }

    public var providerId: Int64
    public var state: State
    /// The status code of the last final response to a REGISTER.
    public var lastStatusCode: Int?
    public var lastError: String?
    public var registeredUntil: Date?
    public var nextAttemptAt: Date?
    public var callID: String?
    public var updatedAt: Date

    public init(
        providerId: Int64, state: State, lastStatusCode: Int? = nil, lastError: String? = nil,
        registeredUntil: Date? = nil, nextAttemptAt: Date? = nil, callID: String? = nil, updatedAt: Date
    ) {
        self.providerId = providerId
        self.state = state
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.registeredUntil = registeredUntil
        self.nextAttemptAt = nextAttemptAt
        self.callID = callID
        self.updatedAt = updatedAt
    }

    public static let databaseTableName = "providerRegistrationStatus"
}
