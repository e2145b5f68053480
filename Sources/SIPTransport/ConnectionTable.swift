public import NIOCore
import Synchronization

/// The open TCP/TLS connections, shared by every event loop: admission against the per-IP and
/// total caps, and the connection to reuse for each peer (RFC 3261 §18.2.2, RFC 5923 style
/// reuse for requests toward a peer that connected to us).
public final class ConnectionTable: Sendable {
    private struct State {
        var perIP: [IPKey: Int] = [:]
        var total = 0
        var byRemote: [SocketAddress: any Channel] = [:]
    }

    /// An IP address without its port (an IPv6 one cut to `ipv6PrefixLength` bits).
    struct IPKey: Hashable {
        let bytes: [UInt8]
    }

    public let maxPerIP: Int
    public let maxTotal: Int
    public let ipv6PrefixLength: Int
    private let state = Mutex(State())

    public init(maxPerIP: Int, maxTotal: Int, ipv6PrefixLength: Int = 64) {
        self.maxPerIP = maxPerIP
        self.maxTotal = maxTotal
        self.ipv6PrefixLength = max(0, min(128, ipv6PrefixLength))
    }

    public enum Admission: Sendable, Equatable {
        case admitted
        case refusedPerIP
        case refusedTotal
    }

    /// Counts a new connection unless a cap would be exceeded.
    public func admit(_ channel: any Channel, remote: SocketAddress) -> Admission {
        let key = ipKey(remote)
        return state.withLock { state in
            guard state.total < maxTotal else { return .refusedTotal }
            let current = state.perIP[key, default: 0]
            guard current < maxPerIP else { return .refusedPerIP }
            state.perIP[key] = current + 1
            state.total += 1
            state.byRemote[remote] = channel
            return .admitted
        }
    }

    /// Forgets a connection admitted earlier.
    public func release(remote: SocketAddress) {
        let key = ipKey(remote)
        state.withLock { state in
            if let current = state.perIP[key] {
                state.perIP[key] = current > 1 ? current - 1 : nil
                state.total -= 1
            }
            state.byRemote[remote] = nil
        }
    }

    /// The open connection from this remote address and port, if any.
    public func connection(to remote: SocketAddress) -> (any Channel)? {
        state.withLock { $0.byRemote[remote] }
    }

    public var count: Int { state.withLock { $0.total } }

    public func count(from remote: SocketAddress) -> Int {
        let key = ipKey(remote)
        return state.withLock { $0.perIP[key, default: 0] }
    }

    /// Every open connection (for graceful shutdown).
    public var channels: [any Channel] { state.withLock { Array($0.byRemote.values) } }

    func ipKey(_ address: SocketAddress) -> IPKey {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { IPKey(bytes: Array($0)) }
        case .v6(let v6):
            var bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            for index in 0..<16 {
                let kept = max(0, min(8, ipv6PrefixLength - index * 8))
                bytes[index] &= kept == 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
            }
            return IPKey(bytes: bytes)
        case .unixDomainSocket:
            return IPKey(bytes: [])
        }
    }
}
