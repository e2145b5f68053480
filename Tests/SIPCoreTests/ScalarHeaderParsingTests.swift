import NIOCore
import SIPCore
import SIPTestSupport
import Testing

private let startLine = "INVITE sip:bob@biloxi.example.com SIP/2.0"
private let baseHeaders = [
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
    "To: <sip:bob@biloxi.example.com>",
    "From: <sip:alice@atlanta.example.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
    "CSeq: 314159 INVITE",
]

/// The base request with the header called `name` replaced by `line` (removed when nil) and
/// `extra` lines added; Content-Length is added by SampleMessages unless given.
private func request(replacing name: String? = nil, with line: String? = nil, extra: [String] = [], body: String = "") -> String {
    var headers = baseHeaders
    if let name, let index = headers.firstIndex(where: { $0.hasPrefix(name + ":") }) {
        if let line { headers[index] = line } else { headers.remove(at: index) }
    }
    return SampleMessages.message([startLine] + headers + extra, body: body)
}

/// The same, joined by hand: no Content-Length is added.
private func rawRequest(extra: [String], body: String) -> String {
    ([startLine] + baseHeaders + extra).joined(separator: "\r\n") + "\r\n\r\n" + body
}

private func failure(_ body: () throws -> Void) -> SIPParseError? {
    do {
        try body()
        return nil
    } catch let error as SIPParseError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// Single-value headers: CSeq, Max-Forwards, Expires, Call-ID, Content-Length, Content-Type,
/// User-Agent and Server (RFC 3261 §20).
@Suite("Scalar header parsing")
struct ScalarHeaderParsingTests {
    // MARK: - CSeq

    static let cseqs: [(value: String, sequence: UInt32, method: SIPMethod, rfc: String)] = [
        ("1 INVITE", 1, .invite, "RFC 3261 §20.16"),
        ("0 INVITE", 0, .invite, "RFC 3261 §25.1 1*DIGIT: zero is well-formed"),
        ("4294967295 INVITE", UInt32.max, .invite, "RFC 3261 §8.1.1.5: 32-bit unsigned"),
        ("00042 INVITE", 42, .invite, "RFC 4475 §3.1.1.1: leading zeros"),
        ("  42   INVITE  ", 42, .invite, "RFC 3261 §25.1 LWS"),
        ("42\tINVITE", 42, .invite, "RFC 3261 §25.1 LWS includes HTAB"),
        ("42\r\n INVITE", 42, .invite, "RFC 3261 §7.3.1: folded LWS"),
        ("42 FOO-BAR", 42, .other("FOO-BAR"), "RFC 3261 §25.1 extension-method"),
        ("42 invite", 42, .other("invite"), "RFC 3261 §7.1: methods are case-sensitive"),
        ("7 ACK", 7, .ack, "RFC 3261 §17.1.1.3"),
    ]

    @Test("CSeq number and method", arguments: cseqs)
    func cseq(_ row: (value: String, sequence: UInt32, method: SIPMethod, rfc: String)) throws {
        var message = try SIPMessage(parsing: request(replacing: "CSeq", with: "CSeq: \(row.value)"))
        let cseq = try message.cseq()
        #expect(cseq.sequence == row.sequence, "\(row.rfc)")
        #expect(cseq.method == row.method, "\(row.rfc)")
        #expect(try message.cseq() == cseq)  // cached
    }

    static let badCSeqs: [(value: String, code: SIPParseError.Code, rfc: String)] = [
        ("4294967296 INVITE", .valueOutOfRange, "RFC 4475 §3.1.2.4: above 2^32-1"),
        ("99999999999999999999999 INVITE", .valueOutOfRange, "RFC 4475 §3.1.2.4"),
        ("42INVITE", .malformedHeader, "RFC 3261 §20.16 CSeq = 1*DIGIT LWS Method"),
        ("INVITE", .malformedHeader, "RFC 3261 §20.16: the number is required"),
        ("42", .malformedHeader, "RFC 3261 §20.16: the method is required"),
        ("42 ", .malformedHeader, "RFC 3261 §20.16"),
        ("-1 INVITE", .malformedHeader, "RFC 3261 §25.1 1*DIGIT"),
        ("+1 INVITE", .malformedHeader, "RFC 3261 §25.1 1*DIGIT"),
        ("1.5 INVITE", .malformedHeader, "RFC 3261 §25.1 1*DIGIT"),
        ("42 INVITE extra", .malformedHeader, "RFC 3261 §20.16: one method"),
        ("42 INV@ITE", .malformedHeader, "RFC 3261 §25.1 Method = token"),
        ("42 INVITE, 43 INVITE", .malformedHeader, "RFC 3261 §20.16: CSeq is not a list"),
        ("", .malformedHeader, "RFC 3261 §20.16"),
    ]

    @Test("bad CSeq values are refused", arguments: badCSeqs)
    func badCSeq(_ row: (value: String, code: SIPParseError.Code, rfc: String)) {
        let error = failure {
            var message = try SIPMessage(parsing: request(replacing: "CSeq", with: "CSeq: \(row.value)"))
            _ = try message.cseq()
        }
        #expect(error?.code == row.code, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 6)
    }

    @Test("CSeq missing or repeated (RFC 3261 §8.1.1, §7.3.1)")
    func cseqPresence() {
        let missing = failure {
            var message = try SIPMessage(parsing: request(replacing: "CSeq", with: nil))
            _ = try message.cseq()
        }
        #expect(missing?.code == .missingHeader)
        let repeated = failure {
            var message = try SIPMessage(parsing: request(extra: ["CSeq: 314159 INVITE"]))
            _ = try message.cseq()
        }
        #expect(repeated?.code == .duplicateHeader)
        #expect(repeated?.line == 7)
    }

    // MARK: - Max-Forwards

    static let maxForwards: [(value: String, result: Int?, code: SIPParseError.Code?, rfc: String)] = [
        ("0", 0, nil, "RFC 3261 §20.22; RFC 4475 §3.3.11"),
        ("70", 70, nil, "RFC 3261 §8.1.1.6"),
        ("255", 255, nil, "RFC 3261 §20.22: 0-255"),
        ("00070", 70, nil, "RFC 4475 §3.1.1.1: leading zeros"),
        ("256", nil, .valueOutOfRange, "RFC 3261 §20.22: at most 255; RFC 4475 §3.1.2.4"),
        ("300", nil, .valueOutOfRange, "RFC 4475 §3.1.2.4"),
        ("abc", nil, .malformedHeader, "RFC 3261 §25.1 1*DIGIT"),
        ("-1", nil, .malformedHeader, "RFC 3261 §25.1"),
        ("70 70", nil, .malformedHeader, "RFC 3261 §20.22: one number"),
        ("7O", nil, .malformedHeader, "RFC 3261 §25.1"),
        ("", nil, .malformedHeader, "RFC 3261 §20.22"),
    ]

    @Test("Max-Forwards is 0-255", arguments: maxForwards)
    func maxForwardsValue(_ row: (value: String, result: Int?, code: SIPParseError.Code?, rfc: String)) throws {
        let message = try SIPMessage(parsing: request(extra: ["Max-Forwards: \(row.value)"]))
        if let code = row.code {
            let error = failure { _ = try message.maxForwards() }
            #expect(error?.code == code, "\(row.rfc)")
            #expect(error?.line == 7)
        } else {
            #expect(try message.maxForwards() == row.result, "\(row.rfc)")
        }
    }

    @Test("Max-Forwards absent is nil (RFC 4475 §3.4.1), repeated is a duplicate")
    func maxForwardsPresence() throws {
        #expect(try SIPMessage(parsing: request()).maxForwards() == nil)
        let message = try SIPMessage(parsing: request(extra: ["Max-Forwards: 70", "Max-Forwards: 69"]))
        #expect(failure { _ = try message.maxForwards() }?.code == .duplicateHeader)
    }

    // MARK: - Expires

    static let expires: [(value: String, result: UInt32?, code: SIPParseError.Code?, rfc: String)] = [
        ("0", 0, nil, "RFC 3261 §20.19"),
        ("3600", 3600, nil, "RFC 3261 §20.19"),
        ("4294967295", UInt32.max, nil, "RFC 3261 §20.19: up to 2^32-1"),
        ("  60  ", 60, nil, "RFC 3261 §7.3.1"),
        ("4294967296", nil, .valueOutOfRange, "RFC 4475 §3.1.2.4"),
        ("10000000000000000000000", nil, .valueOutOfRange, "RFC 4475 §3.1.2.4"),
        ("abc", nil, .malformedHeader, "RFC 3261 §25.1 delta-seconds = 1*DIGIT"),
        ("-1", nil, .malformedHeader, "RFC 3261 §25.1"),
        ("3600 s", nil, .malformedHeader, "RFC 3261 §20.19"),
        ("Thu, 01 Dec 1994 16:00:00 GMT", nil, .malformedHeader, "RFC 3261 §20.19: SIP Expires is delta-seconds only"),
        ("", nil, .malformedHeader, "RFC 3261 §20.19"),
    ]

    @Test("Expires is a delta-seconds up to 2^32-1", arguments: expires)
    func expiresValue(_ row: (value: String, result: UInt32?, code: SIPParseError.Code?, rfc: String)) throws {
        let message = try SIPMessage(parsing: request(extra: ["Expires: \(row.value)"]))
        if let code = row.code {
            #expect(failure { _ = try message.expires() }?.code == code, "\(row.rfc)")
        } else {
            #expect(try message.expires() == row.result, "\(row.rfc)")
        }
    }

    @Test("Expires absent is nil, repeated is a duplicate")
    func expiresPresence() throws {
        #expect(try SIPMessage(parsing: request()).expires() == nil)
        let message = try SIPMessage(parsing: request(extra: ["Expires: 60", "Expires: 60"]))
        #expect(failure { _ = try message.expires() }?.code == .duplicateHeader)
    }

    // MARK: - Call-ID

    static let callIDs: [(value: String, rfc: String)] = [
        ("a84b4c76e66710@pc33.atlanta.example.com", "RFC 3261 §20.8"),
        ("f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com", "RFC 3261 §20.8 example"),
        ("a84b4c76e66710", "RFC 3261 §25.1 callid = word [ \"@\" word ]"),
        ("-.!%*_+`'~()<>:\\\"/[]?{}@-.!%*_+`'~()<>:\\\"/[]?{}", "RFC 3261 §25.1 word characters"),
        ("0ha0isndaksdj@192.0.2.1", "RFC 4475 §3.1.1.1"),
    ]

    @Test("Call-ID follows the word [@ word] grammar", arguments: callIDs)
    func callID(_ row: (value: String, rfc: String)) throws {
        let message = try SIPMessage(parsing: request(replacing: "Call-ID", with: "i:  \(row.value) "))
        #expect(try message.callID() == SIPString(row.value), "\(row.rfc)")
    }

    static let badCallIDs: [(value: String, rfc: String)] = [
        ("a@b@c", "RFC 3261 §25.1: one '@'"),
        ("a@", "RFC 3261 §25.1: a word after '@'"),
        ("@b", "RFC 3261 §25.1: a word before '@'"),
        ("a b", "RFC 3261 §25.1: no LWS inside"),
        ("a;b", "RFC 3261 §25.1: ';' is not a word character"),
        ("a,b", "RFC 3261 §25.1: ',' is not a word character"),
        ("a=b", "RFC 3261 §25.1: '=' is not a word character"),
        ("caf\u{e9}", "RFC 3261 §25.1: word is ASCII"),
        ("", "RFC 3261 §20.8: Call-ID is not empty"),
    ]

    @Test("bad Call-IDs are refused", arguments: badCallIDs)
    func badCallID(_ row: (value: String, rfc: String)) throws {
        let message = try SIPMessage(parsing: request(replacing: "Call-ID", with: "Call-ID: \(row.value)"))
        let error = failure { _ = try message.callID() }
        #expect(error?.code == .malformedHeader, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 5)
    }

    @Test("Call-ID missing or repeated (RFC 3261 §8.1.1.4)")
    func callIDPresence() throws {
        let missing = try SIPMessage(parsing: request(replacing: "Call-ID", with: nil))
        #expect(failure { _ = try missing.callID() }?.code == .missingHeader)
        let repeated = try SIPMessage(parsing: request(extra: ["i: other@host.example.com"]))
        #expect(failure { _ = try repeated.callID() }?.code == .duplicateHeader)
    }

    // MARK: - Content-Length

    static let badContentLengths: [(line: String, code: SIPParseError.Code, rfc: String)] = [
        ("Content-Length: -1", .invalidContentLength, "RFC 4475 §3.1.2.3: negative"),
        ("Content-Length: +5", .invalidContentLength, "RFC 3261 §20.14 1*DIGIT"),
        ("Content-Length: 5 5", .invalidContentLength, "RFC 3261 §20.14"),
        ("Content-Length: 5.0", .invalidContentLength, "RFC 3261 §20.14"),
        ("Content-Length: abc", .invalidContentLength, "RFC 3261 §20.14"),
        ("Content-Length: 0x10", .invalidContentLength, "RFC 3261 §20.14: decimal"),
        ("Content-Length:", .invalidContentLength, "RFC 3261 §20.14: a value is required"),
        ("l: 5,5", .invalidContentLength, "RFC 3261 §20.14: not a list"),
        ("Content-Length: 99999999999999999999", .bodyTooLarge, "RFC 3261 §20.14: no overflow"),
        ("Content-Length: 4294967296", .bodyTooLarge, "larger than any body"),
        ("Content-Length: 32769", .bodyTooLarge, "ParserLimits.maxBodySize (RFC 3261 §21.4.12 413)"),
    ]

    @Test("bad Content-Length values break the framing", arguments: badContentLengths)
    func badContentLength(_ row: (line: String, code: SIPParseError.Code, rfc: String)) {
        let error = failure { _ = try SIPMessage(parsing: request(extra: [row.line])) }
        #expect(error?.code == row.code, "\(row.rfc): \(String(describing: error))")
        #expect(error?.code.breaksFraming == true)
        #expect(error?.line == 7)
    }

    @Test("two Content-Length fields conflict, even when equal (RFC 4475 §3.3.9)", arguments: [
        ["Content-Length: 0", "Content-Length: 0"], ["Content-Length: 0", "l: 0"], ["l: 3", "Content-Length: 0"],
    ])
    func duplicateContentLength(_ lines: [String]) {
        let error = failure { _ = try SIPMessage(parsing: rawRequest(extra: lines, body: "")) }
        #expect(error?.code == .conflictingContentLength)
        #expect(error?.line == 8)
    }

    @Test("Content-Length values and leading zeros (RFC 3261 §20.14)")
    func contentLengthValues() throws {
        let message = try SIPMessage(parsing: rawRequest(extra: ["Content-Length: 0005"], body: "hello"))
        #expect(message.contentLength == 5)
        #expect(String(buffer: message.body) == "hello")
        let compact = try SIPMessage(parsing: rawRequest(extra: ["l:3"], body: "abc"))
        #expect(compact.contentLength == 3)
        #expect(String(buffer: compact.body) == "abc")
    }

    @Test("Content-Length larger than the body is a truncated body with the head kept (RFC 3261 §18.3; RFC 4475 §3.1.2.2)")
    func truncatedBody() throws {
        let error = failure { _ = try SIPMessage(parsing: rawRequest(extra: ["Content-Length: 10"], body: "short")) }
        #expect(error?.code == .truncatedBody)
        #expect(error?.line == 7)
        #expect(error?.column == 17)  // the value
        let partial = error?.partialMessage
        #expect(partial?.method == .invite)
        #expect(partial?.body.readableBytes == 0)
        #expect(partial?.contentLength == 10)
        var head = partial
        #expect(try head?.cseq().sequence == 314159)
    }

    @Test("datagram framing: extra octets after Content-Length are ignored (RFC 3261 §18.3; RFC 4475 §3.1.1.8)")
    func datagramExtraOctets() throws {
        let text = rawRequest(extra: ["Content-Length: 3"], body: "abcINVITE sip:x SIP/2.0\r\n")
        let message = try SIPMessage(parsing: text)
        #expect(String(buffer: message.body) == "abc")
        #expect(message.bytes.readableBytes == text.utf8.count - "INVITE sip:x SIP/2.0\r\n".utf8.count)
        let streamError = failure { _ = try SIPMessage(parsing: text, framing: .stream) }
        #expect(streamError?.code == .trailingBytes)
        #expect(streamError?.partialMessage != nil)
    }

    @Test("datagram without Content-Length: the body is the rest (RFC 3261 §18.3; RFC 4475 §3.4.1)")
    func datagramWithoutContentLength() throws {
        let body = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n"
        let message = try SIPMessage(parsing: rawRequest(extra: [], body: body))
        #expect(message.contentLength == nil)
        #expect(String(buffer: message.body) == body)
        let empty = try SIPMessage(parsing: rawRequest(extra: [], body: ""))
        #expect(empty.body.readableBytes == 0)
        let streamError = failure { _ = try SIPMessage(parsing: rawRequest(extra: [], body: body), framing: .stream) }
        #expect(streamError?.code == .missingContentLength)
        #expect(streamError?.partialMessage?.method == .invite)
    }

    @Test("stream framing accepts an exact Content-Length")
    func streamExact() throws {
        let message = try SIPMessage(parsing: rawRequest(extra: ["Content-Length: 4"], body: "abcd"), framing: .stream)
        #expect(String(buffer: message.body) == "abcd")
    }

    // MARK: - Content-Type

    static let contentTypes: [(value: String, type: String, subtype: String, parameters: [String], rfc: String)] = [
        ("application/sdp", "application", "sdp", [], "RFC 3261 §20.15"),
        ("APPLICATION/SDP", "APPLICATION", "SDP", [], "RFC 3261 §7.3.1: kept as written"),
        ("text/html; charset=ISO-8859-4", "text", "html", ["charset"], "RFC 3261 §20.15 example"),
        ("multipart/mixed;boundary=\"unique-boundary-1\";x=y", "multipart", "mixed", ["boundary", "x"], "RFC 3261 §25.1 m-value = token / quoted-string"),
        ("application / sdp", "application", "sdp", [], "RFC 3261 §25.1 SLASH = SWS \"/\" SWS"),
        ("application/vnd.3gpp.sms+xml", "application", "vnd.3gpp.sms+xml", [], "RFC 3261 §25.1 m-subtype = token"),
    ]

    @Test("Content-Type media types", arguments: contentTypes)
    func contentType(_ row: (value: String, type: String, subtype: String, parameters: [String], rfc: String)) throws {
        let message = try SIPMessage(parsing: request(extra: ["c: \(row.value)"]))
        let mediaType = try #require(try message.contentType())
        #expect(mediaType.type == SIPString(row.type), "\(row.rfc)")
        #expect(mediaType.subtype == SIPString(row.subtype))
        #expect(mediaType.parameters.map(\.name.string) == row.parameters)
        #expect(mediaType.matches(row.type.lowercased(), row.subtype.uppercased()))
        #expect(!mediaType.matches("text", "plain"))
    }

    @Test("Content-Type parameter values are unquoted on request")
    func contentTypeParameters() throws {
        let message = try SIPMessage(parsing: request(extra: ["Content-Type: multipart/signed;protocol=\"application/pkcs7-signature\";micalg=sha1"]))
        let mediaType = try #require(try message.contentType())
        #expect(mediaType.parameters["protocol"]?.value == "application/pkcs7-signature")
        #expect(mediaType.parameters["PROTOCOL"]?.rawValue == "\"application/pkcs7-signature\"")
        #expect(mediaType.parameters["micalg"]?.value == "sha1")
        #expect(try SIPMessage(parsing: request()).contentType() == nil)
    }

    static let badContentTypes: [(value: String, rfc: String)] = [
        ("application", "RFC 3261 §20.15 media-type = m-type SLASH m-subtype"),
        ("application/", "RFC 3261 §25.1 m-subtype"),
        ("/sdp", "RFC 3261 §25.1 m-type"),
        ("*/*", "RFC 3261 §20.15: wildcards only in Accept"),
        ("text/*", "RFC 3261 §20.15: wildcards only in Accept"),
        ("application/sdp;charset", "RFC 3261 §25.1 m-parameter = m-attribute EQUAL m-value"),
        ("application/sdp extra", "RFC 3261 §20.15"),
        ("application/sdp, text/plain", "RFC 3261 §20.15: one media type"),
        ("application/sdp;x=\"unterminated", "RFC 3261 §25.1 quoted-string"),
        ("", "RFC 3261 §20.15"),
    ]

    @Test("bad Content-Type values are refused", arguments: badContentTypes)
    func badContentType(_ row: (value: String, rfc: String)) throws {
        let message = try SIPMessage(parsing: request(extra: ["Content-Type: \(row.value)"]))
        let error = failure { _ = try message.contentType() }
        #expect(error?.code == .malformedHeader, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 7)
        let repeated = try SIPMessage(parsing: request(extra: ["c: text/plain", "Content-Type: text/plain"]))
        #expect(failure { _ = try repeated.contentType() }?.code == .duplicateHeader)
    }

    // MARK: - User-Agent, Server

    @Test("User-Agent and Server are kept as written, first one only (RFC 3261 §20.35, §20.41)")
    func productHeaders() throws {
        let message = try SIPMessage(
            parsing: request(extra: [
                "User-Agent:   Softphone Beta1.5  (Linux; \"x\")  ",
                "Server: HomeServer v2",
                "User-Agent: second",
            ]))
        #expect(message.userAgent == "Softphone Beta1.5  (Linux; \"x\")")
        #expect(message.server == "HomeServer v2")
        #expect(try SIPMessage(parsing: request()).userAgent == nil)
        #expect(try SIPMessage(parsing: request()).server == nil)
    }
}
