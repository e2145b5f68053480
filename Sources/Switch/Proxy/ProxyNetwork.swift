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

    /// Finds a sender toward a party from a loop: over UDP from one of the server's sockets
    /// (the loop's own when it has one), over TCP/TLS on the connection the party opened.
    public typealias SenderLookup = @Sendable (CallEndpoint, (any EventLoop)?) -> SIPReplySender?
    /// Hands an answer to the engine of loop n.
    public typealias Delivery = @Sendable (Int, SIPMessage, SIPPeer) -> Void

    struct State {
        var addresses: [AddressKey: String] = [:]
        var hosts: Set<String> = []
        var ports: Set<Int> = []
        var sender: SenderLookup?
        var delivery: Delivery?
    }

    private let state = Mutex(State())

    public init() {}

    /// - Parameter addresses: `host:port` (IPv6 in brackets) per transport and family.
    public func install(addresses: [AddressKey: String], sender: @escaping SenderLookup, delivery: @escaping Delivery) {
        var hosts: Set<String> = []
        var ports: Set<Int> = []
        for value in addresses.values {
            let (host, port) = Self.split(value)
            hosts.insert(host.lowercased())
            ports.insert(port)
        }
        state.withLock {
            $0.addresses = addresses
            $0.hosts = hosts
            $0.ports = ports
            $0.sender = sender
            $0.delivery = delivery
        }
    }

    /// The proxy's `host:port` toward `transport` and `ipv6`.
    public func address(transport: SIPTransportKind, ipv6: Bool) -> String? {
        state.withLock { $0.addresses[AddressKey(transport: transport, ipv6: ipv6)] }
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
            state.hosts.contains(normalised.lowercased()) && state.ports.contains(port)
        }
    }

    static func split(_ hostPort: String) -> (String, Int) {
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            let host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let rest = hostPort[hostPort.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? 5060 : 5060)
        }
        guard let colon = hostPort.lastIndex(of: ":") else { return (hostPort, 5060) }
        return (String(hostPort[..<colon]), Int(hostPort[hostPort.index(after: colon)...]) ?? 5060)
    }
}
