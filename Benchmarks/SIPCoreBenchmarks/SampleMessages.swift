// Copied from Sources/SIPTestSupport/SampleMessages.swift (SIPTestSupport is not a product).
// Keep in step with that file so the benchmarks parse the same messages the tests do.

/// Typical messages as real phones send them, for tests and benchmarks. Lines are joined
/// with CRLF; Content-Length is computed.
enum SampleMessages {
    /// Joins header lines with CRLF, adds the empty line and the body, and fills in a
    /// `Content-Length` header if `lines` has none.
    static func message(_ lines: [String], body: String = "") -> String {
        var lines = lines
        let hasLength = lines.contains { $0.lowercased().hasPrefix("content-length:") || $0.lowercased().hasPrefix("l:") }
        if !hasLength { lines.append("Content-Length: \(body.utf8.count)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// A REGISTER from a desk phone behind NAT (as a Yealink or a Linphone sends it).
    static let register = message([
        "REGISTER sip:sip.example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---a6d0c4f8a7f2c3b1;rport",
        "Max-Forwards: 70",
        "Contact: <sip:1001@192.0.2.10:5060;rinstance=8c1a2f0e9d3b4a57;transport=UDP>;expires=3600",
        "To: <sip:1001@sip.example.com>",
        "From: \"Desk 1001\" <sip:1001@sip.example.com>;tag=4f9b2c71",
        "Call-ID: Y2M1ZjQ4MDQ3ZGQ5MjE4NTE0ZmI2YTk0ZTNlNmQ0MDI",
        "CSeq: 2 REGISTER",
        "Expires: 3600",
        "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE",
        "Supported: replaces, outbound, path",
        "User-Agent: Yealink SIP-T46S 66.86.0.15",
    ])

    /// The SDP offer of a typical audio call.
    static let sdpOffer = [
        "v=0",
        "o=- 3916262134 3916262134 IN IP4 192.0.2.10",
        "s=-",
        "c=IN IP4 192.0.2.10",
        "t=0 0",
        "m=audio 16384 RTP/AVP 0 8 9 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=sendrecv",
        "",
    ].joined(separator: "\r\n")

    /// An INVITE with an SDP offer, after a digest challenge.
    static let invite = message([
        "INVITE sip:1002@sip.example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---77e2b6f3c1d0a945;rport",
        "Max-Forwards: 70",
        "Contact: <sip:1001@192.0.2.10:5060;transport=UDP>",
        "To: <sip:1002@sip.example.com>",
        "From: \"Desk 1001\" <sip:1001@sip.example.com>;tag=91c0d2aa",
        "Call-ID: MzE2ZDc0YjM4NjFlMmI0ZmUxNDU5YTBkZGY2ODVmYjQ",
        "CSeq: 2 INVITE",
        "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE",
        "Content-Type: application/sdp",
        "Supported: replaces",
        "User-Agent: Yealink SIP-T46S 66.86.0.15",
        "Proxy-Authorization: Digest username=\"1001\",realm=\"sip.example.com\",nonce=\"6b8b4567327b23c6643c9869\",uri=\"sip:1002@sip.example.com\",response=\"7f1e0a6a4f3c3e8bd3b2c1f0a9e8d7c6\",algorithm=MD5,cnonce=\"e1a2b3c4\",qop=auth,nc=00000001",
    ], body: sdpOffer)
}
