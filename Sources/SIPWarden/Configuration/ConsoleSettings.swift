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
        if let items = reader.stringArray(forKey: "events.allowed_networks") {
            settings.eventNetworks = items.flatMap { $0.split(separator: ",") }
                .compactMap { try? GuardNetwork(parsing: $0.trimmingCharacters(in: .whitespaces)) }
        }
        return problems
    }
}
