public import Foundation
public import Fraud

/// The `fraud` section: the toll-fraud monitors, how long their blocks last, and where their
/// alerts go (docs/fraud.md).
public struct FraudSettings: Sendable, Equatable {
    /// A webhook: where alerts are POSTed.
    public struct Webhook: Sendable, Equatable {
        public var url: URL
    }

    /// An SMTP relay that takes alerts by e-mail (no authentication: a relay on the
    /// operator's own network).
    public struct Email: Sendable, Equatable {
        public var host: String
        public var port: Int = 25
        public var from: String
        public var to: [String]
    }

    public var enabled = true
    /// The monitors: the defaults with the configured changes.
    public var rules: [MonitorRule] = MonitorRule.defaults
    /// The same alert (rule, scope, level) is held back for this long after it was sent.
    public var alertSuppressSeconds = 900
    public var webhooks: [Webhook] = []
    /// The HMAC-SHA256 key of the webhooks' signature header.
    public var webhookSecret: String?
    public var email: Email?

    public init() {}
}
