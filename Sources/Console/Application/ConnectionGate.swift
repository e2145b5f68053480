import HummingbirdCore
import Logging
public import NIOCore
import Synchronization

/// The console listener's door, as the SIP listeners have theirs: a connection from a
/// banned source or a refused country is closed at accept, before TLS and before any HTTP is
/// read; connections are capped per source (an IPv6 source by its /64, as the Guard counts
/// it: one /64 must not fill the server) and in total.
public final class ConnectionGate: Sendable {
    public struct Limits: Sendable, Equatable {
        public var maxConnections = 256
        public var maxConnectionsPerSource = 16
        public var ipv6PrefixLength = 64

        public init() {}
    }

    struct State {
        var total = 0
        var perSource: [[UInt8]: Int] = [:]
        var refused = 0
    }

    let limits: Limits
    /// Whether the Guard lets an address in (not banned, not from a refused country).
    let admits: @Sendable (String) -> Bool
    /// A connection the server has written nothing to for this long is closed: a silent
    /// one, a slow sender that never completes a request, an idle keep-alive. Event streams
    /// send keep-alives more often than this, so they stay.
    let idleTimeout: TimeAmount
    private let state = Mutex(State())

    public init(limits: Limits, idleTimeout: TimeAmount, admits: @escaping @Sendable (String) -> Bool) {
        self.limits = limits
        self.idleTimeout = idleTimeout
        self.admits = admits
    }

    /// Connections refused at accept so far.
    public var refused: Int { state.withLock { $0.refused } }
    public var open: Int { state.withLock { $0.total } }

    /// Counts a new connection unless it is refused; the count is released when it closes.
    func admit(_ channel: any Channel) -> Bool {
        guard let remote = channel.remoteAddress, let ip = remote.ipAddress else { return false }
        let key = Self.sourceKey(remote, ipv6PrefixLength: limits.ipv6PrefixLength)
        let admitted = admits(ip) && state.withLock { state in
            guard state.total < limits.maxConnections, state.perSource[key, default: 0] < limits.maxConnectionsPerSource else {
                return false
            }
            state.total += 1
            state.perSource[key, default: 0] += 1
            return true
        }
        guard admitted else {
            state.withLock { $0.refused += 1 }
            return false
        }
        channel.closeFuture.whenComplete { [self] _ in
            state.withLock { state in
                state.total -= 1
                let left = state.perSource[key, default: 1] - 1
                state.perSource[key] = left > 0 ? left : nil
            }
        }
        return true
    }

    /// An IPv4 address, or the first `ipv6PrefixLength` bits of an IPv6 one.
    static func sourceKey(_ address: SocketAddress, ipv6PrefixLength: Int) -> [UInt8] {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            var bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            let bits = max(0, min(128, ipv6PrefixLength))
            for index in 0..<16 {
                let kept = max(0, min(8, bits - index * 8))
                bytes[index] &= kept == 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
            }
            return bytes
        case .unixDomainSocket:
            return []
        }
    }

    struct Refused: Error {}
}

/// A child channel behind the gate: refused connections are closed before the base channel
/// (TLS, HTTP) is set up.
struct GatedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let gate: ConnectionGate

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard gate.admit(channel) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionGate.Refused())
        }
        do {
            try channel.pipeline.syncOperations.addHandlers(
                [IdleStateHandler(writeTimeout: gate.idleTimeout), CloseWhenIdleHandler()], position: .first)
        } catch {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Closes the connection when `IdleStateHandler` says nothing was written for its timeout.
final class CloseWhenIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

extension ServerChildChannel {
    /// This channel behind `gate`.
    func gated(by gate: ConnectionGate) -> any ServerChildChannel {
        GatedChildChannel(base: self, gate: gate)
    }
}
