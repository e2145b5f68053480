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
    public var serverHeader = "SIPWarden"
    public var transport = SIPTransportConfiguration()
    public var tlsCertificatePath: String?
    public var tlsPrivateKeyPath: String?
    public var timers = TransactionTimers.rfc3261
    /// Live transactions per event loop.
    public var maxTransactions = 10_000
    /// Event-loop threads; nil means one per core.
    public var threads: Int?
    public var logLevel = LogLevelSetting.info

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
