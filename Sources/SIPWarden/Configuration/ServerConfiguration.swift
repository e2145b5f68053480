public import SIPCore
public import SIPTransaction
public import SIPTransport

/// Everything `sipwarden serve` is configured with. The defaults are the embedded defaults:
/// a server started with no configuration at all uses exactly these.
public struct ServerConfiguration: Sendable {
    /// The SIP listeners. Default: UDP and TCP on 127.0.0.1:5060, and TLS on
    /// 127.0.0.1:5061 when a certificate is configured.
    public var listeners: [SIPListenAddress] = []
    /// Host names that address the server itself, besides its listen addresses.
    public var domains: [String] = []
    /// The Server header of responses; empty to send none.
    /// The Server header of responses; empty (the default): none, so that no answer names
    /// the product or its version (Kamailio's `server_signature`, Asterisk's `useragent`).
    public var serverHeader = ""
    /// The User-Agent of requests the server sends itself (outbound registrations); empty
    /// (the default): none.
    public var userAgent = ""
    public var transport = SIPTransportConfiguration()
    public var tlsCertificatePath: String?
    public var tlsPrivateKeyPath: String?
    public var timers = TransactionTimers.rfc3261
    /// Live transactions per event loop.
    /// A call holds three: its challenged INVITE for 5 s (Timer I) and the INVITE's server
    /// and client transactions for 32 s each (RFC 6026 Accepted states), so 50,000 per
    /// thread carry about 700 calls/s per thread.
    public var maxTransactions = 50_000
    /// Event-loop threads; nil means one per core.
    public var threads: Int?
    public var logLevel = LogLevelSetting.info
    public var auth = AuthSettings()
    public var registrar = RegistrarSettings()
    public var guardSettings = GuardSettings()
    public var calls = CallSettings()
    public var fraud = FraudSettings()
    public var console = ConsoleSettings()

    public init() {}

    /// The listeners to open: the configured ones, or the defaults.
    public var effectiveListeners: [SIPListenAddress] {
        if !listeners.isEmpty { return listeners }
        var defaults = [
            SIPListenAddress(transport: .udp, host: "127.0.0.1", port: 5060),
            SIPListenAddress(transport: .tcp, host: "127.0.0.1", port: 5060),
        ]
        if tlsCertificatePath != nil {
            defaults.append(SIPListenAddress(transport: .tls, host: "127.0.0.1", port: 5061))
        }
        return defaults
    }
}

/// Log levels, as written in configuration and on the command line.
public enum LogLevelSetting: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760) and the SIP password policy.
public struct AuthSettings: Sendable, Equatable {
    /// The realm of every challenge. Devices' HA1 values are computed with it: changing it
    /// means setting every device's password again.
    public var realm = "sipwarden"
    /// Challenge algorithms, most preferred first: one WWW-Authenticate or
    /// Proxy-Authenticate header each (RFC 8760 §2.4). MD5 alone by default: common clients
    /// (baresip 1.x, SIPp) refuse a 401 that offers SHA-256 at all (docs/callers.md).
    public var algorithms: [DigestAlgorithm] = [.md5]
    /// Seconds a nonce is accepted; an older one with a right answer gets stale=true.
    public var nonceLifetime = 300
    /// Nonces whose nonce-count is remembered (replay protection, bounded memory).
    public var replayTableSize = 100_000
    /// Unauthenticated calls may reach local DIDs (never an outbound route).
    public var allowGuest = false
    /// SIP passwords set through the CLI: at least this many characters...
    public var passwordMinLength = 12
    /// ...with letters, digits and other characters all present.
    public var passwordRequireMixed = true

    public init() {}
}

/// The registrar (RFC 3261 §10.3).
public struct RegistrarSettings: Sendable, Equatable {
    /// Shorter registrations are refused with 423 and Min-Expires (§10.3 step 7).
    public var minExpires = 60
    /// Longer ones are shortened to this.
    public var maxExpires = 3_600
    /// The expiry of a contact that asks for none.
    public var defaultExpires = 3_600

    public init() {}
}
