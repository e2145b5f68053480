public import NIOCore
public import SIPCore

/// A REGISTER the registration asks its owner to send, with the keys its response will be
/// matched on.
public struct OutgoingRegister: Sendable, CustomStringConvertible {
    public let message: SIPOutgoingMessage
    public let callID: String
    public let cseq: UInt32
    /// The branch of our Via (RFC 3261 §8.1.1.7: a new one for each new request, the same
    /// for its retransmissions).
    public let branch: String
    /// The Expires asked for; 0 removes the binding (§10.2.2).
    public let expires: Int
    /// A retransmission of the previous send (§17.1.2.2), byte for byte.
    public let isRetransmission: Bool

    /// The request as it goes on the wire.
    public var bytes: ByteBuffer { message.serialized }
    public var text: String { String(buffer: bytes) }
    public var description: String { "REGISTER \(callID) CSeq \(cseq) branch \(branch)\(isRetransmission ? " (retransmission)" : "")" }

    func retransmission() -> OutgoingRegister {
        OutgoingRegister(message: message, callID: callID, cseq: cseq, branch: branch, expires: expires, isRetransmission: true)
    }
}

extension OutboundRegistration.Configuration {
    /// The REGISTER of RFC 3261 §10.2.1 / §10.2.2. Every value we did not make ourselves (the
    /// provider's nonce and opaque inside `authorization`) passes SIPOutgoingMessage's
    /// CR/LF/NUL check, so a hostile challenge cannot add header lines.
    func register(
        callID: String, cseq: UInt32, branch: String, fromTag: String, expires: Int,
        authorization: (header: SIPHeaderName, value: String)?
    ) throws(SIPSerializationError) -> OutgoingRegister {
        var message = try SIPOutgoingMessage(method: .register, uri: requestURI)
        message.reserveHeaderCapacity(11)
        // §18.1.1 / RFC 3581 §3: rport asks the provider to answer to the port the request
        // came from, which is what keeps a registration working behind NAT.
        try message.append(.via, "SIP/2.0/UDP \(localHostPort);branch=\(branch);rport")
        try message.append(.maxForwards, "70")
        try message.append(.from, "<\(addressOfRecord)>;tag=\(fromTag)")
        try message.append(.to, "<\(addressOfRecord)>")
        try message.append(.callID, callID)
        try message.append(.cseq, "\(cseq) REGISTER")
        try message.append(.contact, "<\(contactURI)>")
        try message.append(.expires, "\(expires)")
        if let authorization { try message.append(authorization.header, authorization.value) }
        if !userAgent.isEmpty { try message.append(.userAgent, userAgent) }
        return OutgoingRegister(message: message, callID: callID, cseq: cseq, branch: branch, expires: expires, isRetransmission: false)
    }
}
