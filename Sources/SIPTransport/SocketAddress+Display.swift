public import NIOCore

extension SocketAddress {
    /// `192.0.2.1:5060` or `[2001:db8::1]:5060`, for logs and messages.
    public var displayText: String {
        guard let ip = ipAddress else { return description }
        let port = self.port.map { ":\($0)" } ?? ""
        return ip.contains(":") ? "[\(ip)]\(port)" : "\(ip)\(port)"
    }
}
