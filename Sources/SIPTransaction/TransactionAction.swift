public import NIOCore
public import SIPCore

/// What a transaction asks its owner to do after an event. Transactions never perform I/O:
/// they return these, in order, and the owner carries them out.
public enum TransactionAction: Sendable, CustomStringConvertible {
    /// Hand these bytes to the transport, towards the transaction's peer (a request or ACK
    /// for a client transaction, a response for a server transaction).
    case send(ByteBuffer)
    /// Pass this request up to the transaction user: the request that created a server
    /// transaction (RFC 3261 §17.2.1, §17.2.2). `TransactionTable` adds it to the output of
    /// `.created` and CANCEL outcomes, so that carrying out the actions is all an owner does.
    case passRequest(SIPMessage)
    /// Pass this response up to the transaction user (client transactions, RFC 3261 §17.1).
    case passResponse(SIPMessage)
    /// Pass this ACK up to the transaction user: it acknowledges a 2xx, which the TU owns
    /// (RFC 6026 §7.1, the INVITE server transaction in Accepted).
    case passACK(SIPMessage)
    /// The transaction failed for want of an answer: Timer B, F or H fired
    /// (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1). Tell the TU.
    case timeout(TransactionTimer)
    /// The transport reported a failure to send (RFC 3261 §17.1.4, §17.2.4). Tell the TU.
    case transportError
    /// The transaction reached Terminated: forget it (remove it from its table).
    case terminated

    public var description: String {
        switch self {
        case .send(let bytes): return "send \(bytes.readableBytes) bytes"
        case .passRequest(let request): return "pass \(request) to TU"
        case .passResponse(let response): return "pass \(response) to TU"
        case .passACK(let ack): return "pass \(ack) to TU"
        case .timeout(let timer): return "timeout (\(timer))"
        case .transportError: return "transport error"
        case .terminated: return "terminated"
        }
    }
}
