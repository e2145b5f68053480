public import NIOCore

/// Where a message came from: the transport and the addresses of the packet or connection.
public struct SIPPeer: Sendable, Hashable, CustomStringConvertible {
    public let transport: SIPTransportKind
    /// The source address and port of the datagram or connection.
    public let remote: SocketAddress
    /// The local address it arrived on.
    public let local: SocketAddress?

    public init(transport: SIPTransportKind, remote: SocketAddress, local: SocketAddress?) {
        self.transport = transport
        self.remote = remote
        self.local = local
    }

    public var description: String { "\(transport):\(remote.displayText)" }
}
