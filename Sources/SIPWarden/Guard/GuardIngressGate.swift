import Guard
import NIOCore
import SIPTransport
import Switch

/// The ingress gate of a server with the Guard on: the source address, read without
/// allocating, goes to the ingress filter with the monotonic time.
struct GuardIngressGate: IngressGate {
    let filter: IngressFilter

    func decide(source: SocketAddress, transport: SIPTransportKind) -> IngressDecision {
        guard let key = source.addressKey else { return .admit }
        switch filter.check(key, transport: transport.rawValue, now: NIODeadline.now().uptimeNanoseconds) {
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
