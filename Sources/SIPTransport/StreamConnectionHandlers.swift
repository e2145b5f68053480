import NIOCore
import NIOTLS
import SIPCore

/// Shared by the handlers of one connection (loop-confined): whether a message is being
/// assembled, and the timer that closes the connection if it takes too long.
final class StreamAssemblyWatch {
    private var deadline: Scheduled<Void>?
    private let timeout: TimeAmount

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    /// Bytes arrived: a message is under way until a frame completes.
    func bytesArrived(on channel: any Channel) {
        guard deadline == nil else { return }
        deadline = channel.eventLoop.scheduleTask(in: timeout) { [weak channel] in
            channel?.close(promise: nil)
        }
    }

    func frameCompleted() {
        deadline?.cancel()
        deadline = nil
    }

    func stop() {
        frameCompleted()
    }
}

/// Before the decoder: notes that bytes arrived, so a message left incomplete closes the
/// connection after `SIPTransportConfiguration.messageAssemblyTimeout`.
final class StreamAssemblyGuardHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let watch: StreamAssemblyWatch

    init(watch: StreamAssemblyWatch) {
        self.watch = watch
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        watch.bytesArrived(on: context.channel)
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.stop()
        context.fireChannelInactive()
    }
}

/// After the decoder: answers keep-alive pings, hands messages to the processor, closes the
/// connection on framing errors and idleness.
final class StreamConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = SIPStreamFramer.Frame
    typealias OutboundOut = ByteBuffer

    private let processor: any SIPInboundProcessor
    private let gate: any IngressGate
    private let watch: StreamAssemblyWatch
    private let transport: SIPTransportKind
    private let metrics: (any SIPTrafficMetrics)?
    private var peer: SIPPeer?

    init(
        processor: any SIPInboundProcessor, gate: any IngressGate, watch: StreamAssemblyWatch, transport: SIPTransportKind,
        metrics: (any SIPTrafficMetrics)? = nil
    ) {
        self.processor = processor
        self.gate = gate
        self.watch = watch
        self.transport = transport
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let remote = context.channel.remoteAddress {
            peer = SIPPeer(transport: transport, remote: remote, local: context.channel.localAddress)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        watch.frameCompleted()
        switch unwrapInboundIn(data) {
        case .keepAlivePing:
            // RFC 5626 §3.5.1: a double-CRLF ping is answered with one CRLF.
            context.write(wrapOutboundOut(ByteBuffer(string: "\r\n")), promise: nil)
        case .message(let message):
            guard let peer else { return }
            metrics?.received(transport)
            // Every message is counted (floods) and looked at again: a source banned while
            // its connection is open loses the connection.
            switch gate.decide(source: peer.remote, transport: transport) {
            case .admit:
                processor.process(.message(message), from: peer, replies: SIPReplySender(channel: context.channel, destination: nil))
            case .refuse:
                processor.refuse(.message(message), from: peer, replies: SIPReplySender(channel: context.channel, destination: nil))
                context.flush()
                context.close(promise: nil)
            case .drop:
                context.close(promise: nil)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // RFC 3261 §18.3: once framing is lost the stream cannot be trusted; answer if the
        // head could be read, then close.
        if let parseError = error as? SIPParseError, let peer {
            metrics?.received(transport)
            processor.process(.framingError(parseError), from: peer, replies: SIPReplySender(channel: context.channel, destination: nil))
            context.flush()
        }
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.stop()
        context.fireChannelInactive()
    }
}

/// Closes a TLS connection whose handshake has not completed in time.
final class TLSHandshakeTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { [weak channel] in
            channel?.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            timer?.cancel()
            timer = nil
        }
        context.fireUserInboundEventTriggered(event)
    }
}
