public import Guard
public import NIOCore

extension SocketAddress {
    /// The address as the Guard keys it, read straight from the socket address (no text, no
    /// allocation: this runs for every packet).
    public var addressKey: AddressKey? {
        switch self {
        case .v4(let address):
            // s_addr is in network byte order.
            return AddressKey(ipv4: UInt32(bigEndian: address.address.sin_addr.s_addr))
        case .v6(let address):
            var storage = address.address.sin6_addr
            return withUnsafeBytes(of: &storage) { raw in
                let high = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
                let low = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let key = AddressKey(high: UInt64(bigEndian: high), low: UInt64(bigEndian: low))
                return key
            }
        case .unixDomainSocket:
            return nil
        }
    }
}
