public import NIOCore
public import SIPTransport

/// Where a party of a call is reached: the transport and the address its packets came from
/// (or, for a registered device, the address it registered from), so that requests reach it
/// behind NAT the way its own packets left.
public struct CallEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var transport: SIPTransportKind
    public var address: SocketAddress

    public init(transport: SIPTransportKind, address: SocketAddress) {
        self.transport = transport
        self.address = address
    }

    public var description: String { "\(transport):\(address.displayText)" }
}
