import SecurityEvents
/// One listener: `transport:host:port`, as `--listen udp:127.0.0.1:5070` or
/// `tcp:[::1]:5070` give it. IPv6 hosts are written in brackets.
public struct SIPListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var transport: SIPTransportKind
    /// An IP address (IPv6 without brackets). Host names are not accepted: a listener binds
    /// to an address, and resolving names at start-up would make it depend on DNS.
    public var host: String
    /// 0 asks the system for a free port (tests).
    public var port: Int

    public init(transport: SIPTransportKind, host: String, port: Int) {
        self.transport = transport
        self.host = host
        self.port = port
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let input: String
        public let reason: String
        public var description: String { "invalid listen address \"\(input)\": \(reason)" }
    }

    /// Parses `udp:127.0.0.1:5060`, `tcp:[::1]:5070`, `tls:0.0.0.0:5061`.
    public init(parsing text: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(input: text, reason: reason) }
        guard let firstColon = text.firstIndex(of: ":") else {
            throw fail("expected TRANSPORT:HOST:PORT, e.g. udp:127.0.0.1:5060")
        }
        guard let transport = SIPTransportKind(rawValue: text[..<firstColon].lowercased()) else {
            throw fail("transport must be udp, tcp or tls")
        }
        let rest = text[text.index(after: firstColon)...]
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("IPv6 address without closing ']'") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let afterClose = rest[rest.index(after: close)...]
            guard afterClose.hasPrefix(":") else { throw fail("expected :PORT after the IPv6 address") }
            portText = afterClose.dropFirst()
        } else {
            guard let lastColon = rest.lastIndex(of: ":") else { throw fail("expected HOST:PORT after the transport") }
            host = rest[..<lastColon]
            portText = rest[rest.index(after: lastColon)...]
            if host.contains(":") { throw fail("an IPv6 address must be written in brackets, e.g. tcp:[::1]:5060") }
        }
        guard !host.isEmpty else { throw fail("missing host") }
        guard Self.isIPAddress(String(host)) else { throw fail("host must be an IPv4 or IPv6 address") }
        guard let port = Int(portText), (0...65_535).contains(port) else { throw fail("port must be 0-65535") }
        self.init(transport: transport, host: String(host), port: port)
    }

    public var description: String {
        host.contains(":") ? "\(transport):[\(host)]:\(port)" : "\(transport):\(host):\(port)"
    }

    static func isIPAddress(_ text: String) -> Bool { IPAddress.bytes(text) != nil }
}
