import NIOCore
import SIPCore

/// The parts of an INVITE that the ACK for a non-2xx final response repeats, taken when the
/// INVITE client transaction starts (RFC 3261 §17.1.1.3).
///
/// The ACK has the INVITE's Request-URI, Call-ID, From and CSeq number (method ACK), one Via
/// equal to the INVITE's top Via (so that it matches the server transaction, §17.2.3), the
/// INVITE's Route header fields, and the To of the response it acknowledges (whose tag the
/// server added). Values are copied as written, folded lines unfolded (§7.3.1).
struct ACKTemplate: Sendable {
    let requestURI: SIPString
    let topVia: SIPString
    let routes: [SIPString]
    let from: SIPString
    let callID: SIPString
    let sequence: UInt32

    /// Reads the INVITE; an INVITE without the headers an ACK repeats cannot be acknowledged.
    init(invite: inout SIPMessage) throws(SIPParseError) {
        requestURI = invite.requestURIText ?? SIPString("")
        topVia = try invite.topVia().text.unfolded
        _ = try invite.from()
        from = invite.headers.first { $0.name == .from }?.unfoldedValue ?? SIPString("")
        callID = try invite.callID()
        sequence = try invite.cseq().sequence
        _ = try invite.routes()
        routes = invite.headers.filter { $0.name == .route }.map(\.unfoldedValue)
    }

    /// The ACK for `response`, or nil when the response has no single To header field: such
    /// a response is malformed (§8.1.1.2) and is discarded rather than acknowledged blindly.
    func ack(answering response: SIPMessage) -> ByteBuffer? {
        let toFields = response.headers.filter { $0.name == .to }
        guard toFields.count == 1 else { return nil }
        do throws(SIPSerializationError) {
            var ack = try SIPOutgoingMessage(method: .ack, uri: requestURI)
            try ack.append(SIPString("Via"), topVia)
            for route in routes {
                try ack.append(SIPString("Route"), route)
            }
            try ack.append(.maxForwards, "70")
            try ack.append(SIPString("From"), from)
            try ack.append(SIPString("To"), toFields[0].unfoldedValue)
            try ack.append(SIPString("Call-ID"), callID)
            try ack.append(.cseq, "\(sequence) ACK")
            return ack.serialized
        } catch {
            return nil
        }
    }
}

extension SIPString {
    /// The value with each line break and the whitespace around it replaced by one space
    /// (RFC 3261 §7.3.1): a value cut from a folded header, made fit for one header line.
    var unfolded: SIPString {
        let view = buffer.readableBytesView
        guard view.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return self }
        var output: [UInt8] = []
        output.reserveCapacity(view.count)
        var pendingSpace = false
        for byte in view {
            if byte == 0x0D || byte == 0x0A {
                while output.last == 0x20 || output.last == 0x09 { output.removeLast() }
                pendingSpace = true
            } else if pendingSpace && (byte == 0x20 || byte == 0x09) {
                continue
            } else {
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return SIPString(output)
    }
}
