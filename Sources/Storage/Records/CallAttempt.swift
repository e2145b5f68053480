public import Foundation

/// One provider tried for a call, kept in its call record so that a failover can be followed
/// afterwards. `reason` is what the provider answered: not trusted text.
public struct CallAttempt: Codable, Sendable, Equatable {
    public var providerId: Int64
    /// The provider's name at the time of the call.
    public var providerName: String
    /// The number as the provider received it (after strip, add and tech prefix).
    public var number: String
    /// The provider's final status code; nil when it never answered.
    public var status: Int?
    public var reason: String?
    public var startedAt: Date

    public init(providerId: Int64, providerName: String, number: String, status: Int? = nil, reason: String? = nil, startedAt: Date) {
        self.providerId = providerId
        self.providerName = providerName
        self.number = number
        self.status = status
        self.reason = reason
        self.startedAt = startedAt
    }
}
