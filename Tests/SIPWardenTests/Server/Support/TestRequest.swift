import Foundation
import SIPTestSupport
import SIPTransport

/// A request as a well-behaved client writes it: every mandatory header, an RFC 3261 branch,
/// a From tag, Content-Length computed.
struct TestRequest: Sendable {
    var method: String
    var requestURI: String
    var transport: SIPTransportKind
    /// The Via sent-by. A domain name (never resolved) so that the server must add
    /// `received` (RFC 3261 §18.2.1).
    var sentBy = "client.invalid:5062"
    /// Whether the Via asks for rport (RFC 3581 §3).
    var rport = true
    var branch = "z9hG4bK-" + TestRequest.token()
    var callID = "test-" + TestRequest.token() + "@client.invalid"
    var fromTag = TestRequest.token()
    var to: String
    var cseq = 1
    var cseqMethod: String
    var extraHeaders: [String] = []
    var body = ""

    /// A request for `host` itself (no user part: the server's own address, RFC 3261 §8.2)
    /// or, with `user`, for someone the server would route to.
    init(method: String, host: String, user: String? = nil, transport: SIPTransportKind) {
        let uriHost = host.contains(":") ? "[\(host)]" : host
        self.method = method
        self.requestURI = "sip:" + (user.map { "\($0)@" } ?? "") + uriHost
        self.transport = transport
        self.to = "<\(requestURI)>"
        self.cseqMethod = method
    }

    var via: String {
        "Via: SIP/2.0/\(transport.viaToken) \(sentBy);branch=\(branch)" + (rport ? ";rport" : "")
    }

    var text: String {
        SampleMessages.message([
            "\(method) \(requestURI) SIP/2.0",
            via,
            "Max-Forwards: 70",
            "From: \"Tester\" <sip:tester@client.invalid>;tag=\(fromTag)",
            "To: \(to)",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) \(cseqMethod)",
        ] + extraHeaders, body: body)
    }

    var bytes: [UInt8] { Array(text.utf8) }

    /// The ACK for a non-2xx final answer to this INVITE (RFC 3261 §17.1.1.3): same
    /// Request-URI, top Via (branch), Call-ID, From and CSeq number, the To of the response.
    func ack(for response: TestMessage) -> TestRequest {
        var ack = self
        ack.method = "ACK"
        ack.cseqMethod = "ACK"
        ack.to = response.value("to") ?? to
        ack.extraHeaders = []
        ack.body = ""
        return ack
    }

    /// The CANCEL of this request (RFC 3261 §9.1): same Request-URI, top Via, Call-ID, From,
    /// To and CSeq number.
    func cancel() -> TestRequest {
        var cancel = self
        cancel.method = "CANCEL"
        cancel.cseqMethod = "CANCEL"
        cancel.extraHeaders = []
        cancel.body = ""
        return cancel
    }

    static func token() -> String {
        String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)).lowercased()
    }
}
