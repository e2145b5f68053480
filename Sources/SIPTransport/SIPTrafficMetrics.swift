import NIOCore

/// Where the transports count what they carry, for the server's metrics. The transports
/// only count; what the counts become (Prometheus counters) is the composition root's
/// business, so this target stays free of any metrics library.
///
/// Called on the event loops, concurrently, for every datagram and every stream message:
/// implementations must be thread-safe and cost no more than an atomic increment.
public protocol SIPTrafficMetrics: Sendable {
    /// A datagram, or a message framed from a TCP/TLS stream (or a stream that could not be
    /// framed), was read; counted before the ingress gate looks at it, so what the gate drops
    /// is included. NAT keep-alives (bare CRLFs) are not counted.
    func received(_ transport: SIPTransportKind)
    /// A datagram or a stream message was handed to the socket (answers, retransmissions,
    /// forwarded and originated messages alike).
    func sent(_ transport: SIPTransportKind)
}

/// Counts every write made through the channel (`SIPReplySender` writes on the channel, so
/// every message the server sends passes here). It is the last handler of the pipeline, the
/// first an outbound write meets; the stream handler's keep-alive pong, written from its own
/// context further in, does not reach it and is not counted.
final class SentCountingHandler: ChannelOutboundHandler {
    // The data is passed on as it came, never unwrapped: the type is the channel's outbound
    // message type for streams, and an envelope for UDP.
    typealias OutboundIn = Any

    private let transport: SIPTransportKind
    private let metrics: any SIPTrafficMetrics

    init(transport: SIPTransportKind, metrics: any SIPTrafficMetrics) {
        self.transport = transport
        self.metrics = metrics
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        metrics.sent(transport)
        context.write(data, promise: promise)
    }
}
