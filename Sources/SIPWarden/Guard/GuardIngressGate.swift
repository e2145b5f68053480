import Guard
import NIOCore
import SIPTransport
import Switch

/// The ingress gate of a server with the Guard on: the source address, read without
/// allocating, goes to the ingress filter with the monotonic time.
struct GuardIngressGate: IngressGate {
    let filter: IngressFilter
    /// Monotonic nanoseconds for the flood meter's windows (tests hold it still, so that a
    /// burst falls in one window however slowly a busy machine sends it).
    var monotonicNow: @Sendable () -> UInt64 = { NIODeadline.now().uptimeNanoseconds }

    func decide(source: SocketAddress, transport: SIPTransportKind) -> IngressDecision {
        guard let key = source.addressKey else { return .admit }
        switch filter.check(key, transport: transport.rawValue, now: monotonicNow()) {
        case .admit: return .admit
        case .drop: return .drop
        case .refuse: return .refuse
        }
    }

    func admitsConnection(from source: SocketAddress, transport: SIPTransportKind) -> Bool {
        guard let key = source.addressKey else { return true }
        return filter.admitsConnection(from: key)
    }
}
