public import NIOCore

extension SocketAddress {
    /// Whether this is an IPv6 address (listeners, senders and Via hosts go by family).
    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// `192.0.2.1:5060` or `[2001:db8::1]:5060`, for logs and messages.
    public var displayText: String {
        guard let ip = ipAddress else { return description }
        let port = self.port.map { ":\($0)" } ?? ""
        return ip.contains(":") ? "[\(ip)]\(port)" : "\(ip)\(port)"
    }
}

extension SocketAddress {
    /// The IP address as bytes, for a Via `received` parameter (RFC 3261 §18.2.1): IPv4 is
    /// written digit by digit from the socket address, without inet_ntop and a String; IPv6
    /// goes through `ipAddress`.
    public var ipAddressBytes: [UInt8]? {
        switch self {
        case .v4(let address):
            let value = UInt32(bigEndian: address.address.sin_addr.s_addr)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(15)
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                if octet >= 100 { bytes.append(UInt8(ascii: "0") + octet / 100) }
                if octet >= 10 { bytes.append(UInt8(ascii: "0") + (octet / 10) % 10) }
                bytes.append(UInt8(ascii: "0") + octet % 10)
                if shift > 0 { bytes.append(UInt8(ascii: ".")) }
            }
            return bytes
        default:
            return ipAddress.map { Array($0.utf8) }
        }
    }
}

extension SocketAddress {
    /// The IP address as 4 (IPv4) or 16 (IPv6) raw bytes in network order, for lookups by
    /// address (ban tables, providers, nonces) without formatting text.
    public var rawIPBytes: [UInt8] {
        switch self {
        case .v4(let address):
            return withUnsafeBytes(of: address.address.sin_addr) { Array($0) }
        case .v6(let address):
            return withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
        default:
            return []
        }
    }
}
