import NIOCore

/// Reads datagrams, asks the ingress gate, and hands the admitted ones to the processor.
/// Replies written during a read burst are flushed once, when the burst ends.
final class UDPInboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let gate: any IngressGate
    private let processor: any SIPInboundProcessor
    private let metrics: (any SIPTrafficMetrics)?
    private var local: SocketAddress?

    init(gate: any IngressGate, processor: any SIPInboundProcessor, metrics: (any SIPTrafficMetrics)? = nil) {
        self.gate = gate
        self.processor = processor
        self.metrics = metrics
    }

    func channelActive(context: ChannelHandlerContext) {
        local = context.channel.localAddress
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let source = envelope.remoteAddress
        let bytes = envelope.data
        // NAT keep-alives (CRLF or CRLFCRLF datagrams) need no answer over UDP, and are not
        // counted as requests.
        if bytes.readableBytes <= 4, bytes.readableBytesView.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) { return }
        metrics?.received(.udp)
        switch gate.decide(source: source, transport: .udp) {
        case .admit:
            let peer = SIPPeer(transport: .udp, remote: source, local: local)
            processor.process(.datagram(bytes), from: peer, replies: SIPReplySender(channel: context.channel, destination: source))
        case .refuse:
            let peer = SIPPeer(transport: .udp, remote: source, local: local)
            processor.refuse(.datagram(bytes), from: peer, replies: SIPReplySender(channel: context.channel, destination: source))
        case .drop:
            return
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port-unreachable and the like surface here as errors on a connected-less
        // socket: they concern one peer, never the listener, so the socket stays open.
    }
}
