public import NIOCore
public import SIPCore
public import SIPTransport
import Synchronization

/// What the proxy needs of the transports, set by the server once its listeners are bound:
/// its own address per transport and family (for Via and Record-Route), a way to send to a
/// party, and a way to hand an answer to the event loop whose transaction is waiting for it.
public final class ProxyNetwork: Sendable {
    public struct AddressKey: Hashable, Sendable {
        public var transport: SIPTransportKind
        public var ipv6: Bool

        public init(transport: SIPTransportKind, ipv6: Bool) {
            self.transport = transport
            self.ipv6 = ipv6
        }
    }

    /// One of the server's own addresses: a listener's (or, for a wildcard listener, the
    /// address it is reached at) and its port.
    public struct OwnAddress: Hashable, Sendable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, an IPv6 host in brackets, as Via and Record-Route write it.
        public var text: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Finds a sender toward a party from a loop: over UDP from one of the server's sockets
    /// (the loop's own when it has one), over TCP/TLS on the connection the party opened.
    public typealias SenderLookup = @Sendable (CallEndpoint, (any EventLoop)?) -> SIPReplySender?
    /// Hands an answer to the engine of loop n.
    public typealias Delivery = @Sendable (Int, SIPMessage, SIPPeer) -> Void

    struct State {
        var addresses: [AddressKey: OwnAddress] = [:]
        var sender: SenderLookup?
        var delivery: Delivery?
    }

    private let state = Mutex(State())

    public init() {}

    public func install(addresses: [AddressKey: OwnAddress], sender: @escaping SenderLookup, delivery: @escaping Delivery) {
        state.withLock {
            $0.addresses = addresses
            $0.sender = sender
            $0.delivery = delivery
        }
    }

    /// The proxy's `host:port` toward `transport` and `ipv6`.
    public func address(transport: SIPTransportKind, ipv6: Bool) -> String? {
        state.withLock { $0.addresses[AddressKey(transport: transport, ipv6: ipv6)]?.text }
    }

    public func sender(to endpoint: CallEndpoint, from loop: (any EventLoop)?) -> SIPReplySender? {
        state.withLock { $0.sender }?(endpoint, loop)
    }

    public func deliver(_ response: SIPMessage, from peer: SIPPeer, toLoop loop: Int) {
        state.withLock { $0.delivery }?(loop, response, peer)
    }

    /// Whether a Route or Via URI names this proxy: one of its hosts, and one of its ports
    /// (5060, or 5061 for sips, when none is written).
    public func isOwn(host: String, port: Int?, secure: Bool = false) -> Bool {
        let normalised = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let port = port ?? (secure ? 5061 : 5060)
        return state.withLock { state in
            state.addresses.values.contains { $0.port == port && $0.host.lowercased() == normalised.lowercased() }
        }
    }
}
