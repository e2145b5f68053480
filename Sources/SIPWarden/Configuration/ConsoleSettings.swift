import Configuration
import Foundation
public import Guard
import SIPTransport

/// The HTTP listener (`console.listen`) and who may open the live event channel.
public struct ConsoleSettings: Sendable, Equatable {
    /// Host and port; nil: no HTTP listener.
    public var host: String? = "127.0.0.1"
    public var port = 8080
    /// Networks that may open the event channel (an API key is needed besides).
    public var eventNetworks: [GuardNetwork] = [
        try! GuardNetwork(parsing: "127.0.0.1/32"), try! GuardNetwork(parsing: "::1/128"),
    ]
    /// Networks that may read `/metrics` (no API key: the network is the only check).
    public var metricsNetworks: [GuardNetwork] = [
        try! GuardNetwork(parsing: "127.0.0.0/8"), try! GuardNetwork(parsing: "::1/128"),
    ]

    /// Networks admins may log in from; empty: anywhere the listener is reachable.
    public var adminNetworks: [GuardNetwork] = []
    /// PEM files that turn the listener into HTTPS (both or neither).
    public var tlsCertificate: String?
    public var tlsPrivateKey: String?
    /// Whether every console user must use a TOTP second factor (enrolment at first login).
    public var requireTOTP = true
    /// How long a console login lasts, in seconds.
    public var sessionLifetime = 8 * 3600
    /// HTTP connections at once, in total and from one source (an IPv6 /64 counted as one).
    public var maxConnections = 256
    public var maxConnectionsPerIP = 16
    /// Seconds a connection may wait for a request before it is closed.
    public var idleTimeout = 60

    public init() {}

    /// `HOST:PORT` or `[IPv6]:PORT`, read the way `sip.listen` reads its addresses; empty:
    /// no listener.
    static func parseListen(_ text: String) -> (host: String, port: Int)?? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .some(nil) }
        guard let address = try? SIPListenAddress(parsing: "tcp:" + text) else { return nil }
        return .some((address.host, address.port))
    }

    static func read(_ reader: ConfigReader, into settings: inout ConsoleSettings) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        if let text = reader.string(forKey: "console.listen") {
            switch parseListen(text) {
            case .some(.some(let address)):
                settings.host = address.host
                settings.port = address.port
            case .some(.none):
                settings.host = nil
            case .none:
                problems.append(ConfigurationProblem(key: "console.listen", message: "\"\(text)\": expected HOST:PORT, such as 127.0.0.1:8080 or [::1]:8080"))
            }
        }
        if let networks = reader.networks(forKey: "events.allowed_networks") { settings.eventNetworks = networks }
        if let networks = reader.networks(forKey: "console.admin_networks") { settings.adminNetworks = networks }
        settings.tlsCertificate = reader.string(forKey: "console.tls.certificate").flatMap { $0.isEmpty ? nil : $0 }
        settings.tlsPrivateKey = reader.string(forKey: "console.tls.private_key").flatMap { $0.isEmpty ? nil : $0 }
        switch (settings.tlsCertificate, settings.tlsPrivateKey) {
        case (.some(let certificate), .some(let key)):
            for (name, path) in [("console.tls.certificate", certificate), ("console.tls.private_key", key)]
            where !FileManager.default.isReadableFile(atPath: path) {
                problems.append(ConfigurationProblem(key: name, message: "cannot read \(path)"))
            }
        case (.some, .none):
            problems.append(ConfigurationProblem(key: "console.tls.private_key", message: "missing: console.tls.certificate is set"))
        case (.none, .some):
            problems.append(ConfigurationProblem(key: "console.tls.certificate", message: "missing: console.tls.private_key is set"))
        case (.none, .none):
            break
        }
        if let value = reader.bool(forKey: "console.require_totp") { settings.requireTOTP = value }
        // The schema has already checked the range.
        if let value = reader.int(forKey: "console.session_lifetime") { settings.sessionLifetime = value }
        if let value = reader.int(forKey: "console.max_connections") { settings.maxConnections = value }
        if let value = reader.int(forKey: "console.max_connections_per_ip") { settings.maxConnectionsPerIP = value }
        if let value = reader.int(forKey: "console.idle_timeout") { settings.idleTimeout = value }
        if let networks = reader.networks(forKey: "metrics.allowed_networks") { settings.metricsNetworks = networks }
        return problems
    }
}
