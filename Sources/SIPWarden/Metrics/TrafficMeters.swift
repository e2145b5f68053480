import Prometheus
import SIPTransport

/// The transports' counts as Prometheus series: one counter per transport and direction,
/// made once and found by a switch on the transport.
final class TrafficMeters: SIPTrafficMetrics {
    private let received: [Counter]
    private let sent: [Counter]

    init(registry: PrometheusCollectorRegistry) {
        // In the order of `SIPTransportKind.allCases`, which `index(of:)` follows.
        received = SIPTransportKind.allCases.map { registry.makeCounter(descriptor: MetricNames.packetsReceived, labels: [("transport", $0.rawValue)]) }
        sent = SIPTransportKind.allCases.map { registry.makeCounter(descriptor: MetricNames.packetsSent, labels: [("transport", $0.rawValue)]) }
    }

    func received(_ transport: SIPTransportKind) {
        received[Self.index(of: transport)].increment()
    }

    func sent(_ transport: SIPTransportKind) {
        sent[Self.index(of: transport)].increment()
    }

    static func index(of transport: SIPTransportKind) -> Int {
        switch transport {
        case .udp: 0
        case .tcp: 1
        case .tls: 2
        }
    }
}
