public import NIOCore
public import SIPCore

/// What a transport hands upward.
public enum SIPInbound: Sendable {
    /// A UDP datagram, not yet parsed (the processor parses it, datagram framing).
    case datagram(ByteBuffer)
    /// A message cut from a TCP/TLS stream (already framed and head-parsed).
    case message(SIPMessage)
    /// The stream could not be framed; the connection is closed after this. The error may carry
    /// the message head (`partialMessage`) to answer 400 with.
    case framingError(SIPParseError)
}

/// Receives what the transports read. One processor per event loop: it is called only on its
/// loop, so it may keep loop-confined state (the transaction table) without locks.
public protocol SIPInboundProcessor: AnyObject {
    func process(_ inbound: SIPInbound, from peer: SIPPeer, replies: SIPReplySender)
    /// The ingress gate refused the source but wants it told: answer a request 403 and
    /// nothing more (no transaction, no event).
    func refuse(_ inbound: SIPInbound, from peer: SIPPeer, replies: SIPReplySender)
}

extension SIPInboundProcessor {
    public func refuse(_ inbound: SIPInbound, from peer: SIPPeer, replies: SIPReplySender) {}
}

/// Sends bytes back the way a message came: to the datagram's source address and port on
/// the socket it arrived on (the `force_rport` practice), or on the same TCP/TLS connection.
public struct SIPReplySender: Sendable {
    let channel: any Channel
    /// For UDP, where datagrams go; nil for a connection.
    let destination: SocketAddress?

    public init(channel: any Channel, destination: SocketAddress?) {
        self.channel = channel
        self.destination = destination
    }

    /// Queues `bytes`; the transport flushes when the current read burst ends.
    public func send(_ bytes: ByteBuffer) {
        write(bytes, flush: false)
    }

    /// Sends `bytes` now (for retransmissions driven by timers).
    public func sendNow(_ bytes: ByteBuffer) {
        write(bytes, flush: true)
    }

    /// A sender to another address on the same UDP socket (RFC 3261 §18.2.2 without
    /// `force_rport`: the received address with the sent-by or rport port).
    public func redirected(to destination: SocketAddress) -> SIPReplySender {
        SIPReplySender(channel: channel, destination: self.destination == nil ? nil : destination)
    }

    public var isActive: Bool { channel.isActive }

    /// Whether this sender writes on the same socket or connection as `other`.
    public func sharesChannel(with other: SIPReplySender) -> Bool { channel === other.channel }

    private func write(_ bytes: ByteBuffer, flush: Bool) {
        if let destination {
            let envelope = AddressedEnvelope(remoteAddress: destination, data: bytes)
            if flush {
                channel.writeAndFlush(envelope, promise: nil)
            } else {
                channel.write(envelope, promise: nil)
            }
        } else if flush {
            channel.writeAndFlush(bytes, promise: nil)
        } else {
            channel.write(bytes, promise: nil)
        }
    }
}
