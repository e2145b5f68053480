import NIOCore
import SIPCore
import SIPTestSupport
import Testing

/// The headers every message below carries besides its start line and CSeq (RFC 3261 §8.1.1).
private let commonHeaders = [
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
    "Max-Forwards: 70",
    "To: Bob <sip:bob@biloxi.example.com>",
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
]

/// The Request-URI of the requests below: 26 bytes, so the version starts at offset 34.
private let requestURI = "sip:bob@biloxi.example.com"

private func request(_ startLine: String, cseqMethod: String = "INVITE") -> String {
    SampleMessages.message([startLine] + commonHeaders + ["CSeq: 1 \(cseqMethod)"])
}

private func response(_ statusLine: String) -> String {
    SampleMessages.message([statusLine] + commonHeaders + ["CSeq: 1 INVITE"])
}

/// The error `body` throws, or nil when it succeeds.
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

private func parseFailure(_ text: String) -> SIPParseError? {
    failure { _ = try SIPMessage(parsing: text) }
}

private func parseFailure(_ bytes: [UInt8]) -> SIPParseError? {
    failure { _ = try SIPMessage(parsing: bytes) }
}

/// Request-Line and Status-Line (RFC 3261 §7.1, §7.2, §25.1).
@Suite("Start line parsing")
struct StartLineParsingTests {
    // MARK: - Methods

    static let knownMethods: [(name: String, method: SIPMethod, rfc: String)] = [
        ("INVITE", .invite, "RFC 3261 §13"),
        ("ACK", .ack, "RFC 3261 §17.1.1.3"),
        ("BYE", .bye, "RFC 3261 §15"),
        ("CANCEL", .cancel, "RFC 3261 §9"),
        ("REGISTER", .register, "RFC 3261 §10"),
        ("OPTIONS", .options, "RFC 3261 §11"),
        ("INFO", .info, "RFC 6086 §4"),
        ("PRACK", .prack, "RFC 3262 §7.1"),
        ("SUBSCRIBE", .subscribe, "RFC 6665 §8.1.1"),
        ("NOTIFY", .notify, "RFC 6665 §8.1.2"),
        ("UPDATE", .update, "RFC 3311 §7"),
        ("MESSAGE", .message, "RFC 3428 §4"),
        ("REFER", .refer, "RFC 3515 §2.1"),
        ("PUBLISH", .publish, "RFC 3903 §4"),
    ]

    @Test("known methods are recognised by their exact name", arguments: knownMethods)
    func knownMethod(_ row: (name: String, method: SIPMethod, rfc: String)) throws {
        var message = try SIPMessage(parsing: request("\(row.name) \(requestURI) SIP/2.0", cseqMethod: row.name))
        #expect(message.method == row.method, "\(row.rfc)")
        #expect(message.method?.name == row.name)
        #expect(message.isRequest)
        #expect(message.statusCode == nil)
        #expect(message.reasonPhrase == nil)
        #expect(message.requestURIText == SIPString(requestURI))
        #expect(message.description == "\(row.name) \(requestURI) SIP/2.0")
        try message.validate()
        #expect(SIPMethod(row.name) == row.method)
    }

    static let caseVariants: [(name: String, rfc: String)] = [
        ("invite", "RFC 3261 §7.1: the method name is case-sensitive"),
        ("Invite", "RFC 3261 §7.1"),
        ("INVITe", "RFC 3261 §7.1"),
        ("register", "RFC 3261 §7.1"),
        ("Bye", "RFC 3261 §7.1"),
        ("ack", "RFC 3261 §7.1"),
    ]

    @Test("methods are case-sensitive: a case variant is an extension method", arguments: caseVariants)
    func methodCase(_ row: (name: String, rfc: String)) throws {
        var message = try SIPMessage(parsing: request("\(row.name) \(requestURI) SIP/2.0", cseqMethod: row.name))
        let method = try #require(message.method)
        #expect(method == .other(SIPString(row.name)), "\(row.rfc)")
        #expect(!SIPMethod.known.contains(method))
        #expect(method.name == row.name)
        try message.validate()
        #expect(try message.cseq().method == method)
    }

    @Test("a case variant in CSeq does not match the request method (RFC 3261 §8.1.1.5, §7.1)")
    func cseqCaseMismatch() throws {
        var message = try SIPMessage(parsing: request("INVITE \(requestURI) SIP/2.0", cseqMethod: "invite"))
        let error = failure { try message.validate() }
        #expect(error?.code == .cseqMethodMismatch)
        #expect(error?.partialMessage?.method == .invite)
        #expect(error?.line == commonHeaders.count + 2)
    }

    static let extensionMethods: [(name: String, rfc: String)] = [
        ("NEWMETHOD", "RFC 3261 §25.1 extension-method = token"),
        ("MY-METHOD", "RFC 3261 §25.1"),
        ("a.b!c%d*e_f+g`h'i~j", "RFC 3261 §25.1 token characters; RFC 4475 §3.1.1.2"),
        ("RE%47IST%45R", "RFC 4475 §3.1.1.5: % is not an escape in a method"),
        ("X", "RFC 3261 §25.1: a one-character token"),
    ]

    @Test("extension methods are kept as written", arguments: extensionMethods)
    func extensionMethod(_ row: (name: String, rfc: String)) throws {
        var message = try SIPMessage(parsing: request("\(row.name) \(requestURI) SIP/2.0", cseqMethod: row.name))
        #expect(message.method == .other(SIPString(row.name)), "\(row.rfc)")
        #expect(message.method?.name == row.name)
        try message.validate()
    }

    // MARK: - Request-Line shape

    static let malformedRequestLines: [(line: String, column: Int, rfc: String)] = [
        ("INV@ITE \(requestURI) SIP/2.0", 4, "RFC 3261 §25.1: '@' is not a token character"),
        ("INV\"ITE \(requestURI) SIP/2.0", 4, "RFC 3261 §25.1: DQUOTE is not a token character"),
        ("<INVITE> \(requestURI) SIP/2.0", 1, "RFC 3261 §25.1: a method is a token"),
        (" INVITE \(requestURI) SIP/2.0", 1, "RFC 3261 §7.1: no leading whitespace"),
        ("INVITE\t\(requestURI) SIP/2.0", 7, "RFC 3261 §7.1: elements are separated by SP, not HTAB"),
        ("INVITE  \(requestURI) SIP/2.0", 8, "RFC 3261 §7.1; RFC 4475 §3.1.2.9: exactly one SP"),
        ("INVITE \(requestURI)  SIP/2.0", 35, "RFC 3261 §7.1; RFC 4475 §3.1.2.9"),
        ("INVITE \(requestURI) SIP/2.0 ", 35, "RFC 3261 §7.1; RFC 4475 §3.1.2.10: nothing after SIP-Version"),
        ("INVITE \(requestURI) SIP/2.0\tx", 42, "RFC 3261 §7.1"),
        ("INVITE \(requestURI)", 34, "RFC 3261 §7.1: SIP-Version is required"),
        ("INVITE", 7, "RFC 3261 §7.1: Request-URI is required"),
        ("INVITE \(requestURI) SIP/2.0 SIP/2.0", 35, "RFC 3261 §7.1"),
        ("INVITE sip:bob@biloxi.example.com;\u{7F}lr SIP/2.0", 35, "RFC 3261 §25.1: DEL cannot appear in a Request-URI"),
    ]

    @Test("malformed Request-Lines are refused with the column of the fault", arguments: malformedRequestLines)
    func malformedRequestLine(_ row: (line: String, column: Int, rfc: String)) {
        let error = parseFailure(request(row.line))
        #expect(error?.code == .malformedStartLine, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 1)
        #expect(error?.column == row.column)
    }

    @Test("a Request-Line cannot be folded (RFC 3261 §7.1: Request-Line ends with CRLF)")
    func foldedRequestLine() {
        let error = parseFailure(request("INVITE \(requestURI)\r\n SIP/2.0"))
        #expect(error?.code == .malformedStartLine)
        #expect(error?.line == 1)
    }

    // MARK: - SIP-Version

    static let acceptedVersions: [(version: String, rfc: String)] = [
        ("SIP/2.0", "RFC 3261 §7.1"),
        ("sip/2.0", "RFC 3261 §7.1: the version string is case-insensitive"),
        ("Sip/2.0", "RFC 3261 §7.1"),
        ("sIP/2.0", "RFC 3261 §7.1"),
    ]

    @Test("SIP/2.0 is accepted in any case, in requests and responses", arguments: acceptedVersions)
    func acceptedVersion(_ row: (version: String, rfc: String)) throws {
        var request = try SIPMessage(parsing: request("INVITE \(requestURI) \(row.version)"))
        #expect(request.method == .invite, "\(row.rfc)")
        try request.validate()
        var response = try SIPMessage(parsing: response("\(row.version) 200 OK"))
        #expect(response.statusCode == 200, "\(row.rfc)")
        #expect(response.reasonPhrase == "OK")
        try response.validate()
    }

    static let unsupportedVersions: [(version: String, rfc: String)] = [
        ("SIP/3.0", "RFC 3261 §21.5.6 505 Version Not Supported"),
        ("SIP/1.0", "RFC 3261 §21.5.6"),
        ("SIP/2.1", "RFC 3261 §21.5.6"),
        ("SIP/7.0", "RFC 4475 §3.1.2.16"),
        ("sip/3.0", "RFC 3261 §7.1, §21.5.6"),
        ("SIP/20.0", "RFC 3261 §25.1 SIP-Version = \"SIP\" \"/\" 1*DIGIT \".\" 1*DIGIT"),
    ]

    @Test("a well-formed version other than 2.0 is unsupported (505), not malformed", arguments: unsupportedVersions)
    func unsupportedVersion(_ row: (version: String, rfc: String)) {
        let requestError = parseFailure(request("INVITE \(requestURI) \(row.version)"))
        #expect(requestError?.code == .unsupportedVersion, "\(row.rfc)")
        #expect(requestError?.code.suggestedStatus == 505)
        #expect(requestError?.column == 35)
        let responseError = parseFailure(response("\(row.version) 200 OK"))
        #expect(responseError?.code == .unsupportedVersion, "\(row.rfc)")
        #expect(responseError?.column == 1)
    }

    static let malformedVersions: [(version: String, rfc: String)] = [
        ("HTTP/1.1", "RFC 3261 §7.1: SIP-Version starts with \"SIP\""),
        ("SIP/2", "RFC 3261 §25.1: 1*DIGIT \".\" 1*DIGIT"),
        ("SIP/2.", "RFC 3261 §25.1"),
        ("SIP/.0", "RFC 3261 §25.1"),
        ("SIP 2.0", "RFC 3261 §25.1: \"SIP\" \"/\""),
        ("SIP2.0", "RFC 3261 §25.1"),
        ("SIP/2.0.1", "RFC 3261 §25.1"),
        ("SIP/2.0a", "RFC 3261 §25.1"),
        ("SIP/x.y", "RFC 3261 §25.1"),
        ("SIP/-2.0", "RFC 3261 §25.1"),
        ("SIPS/2.0", "RFC 3261 §25.1"),
    ]

    @Test("malformed versions in a Request-Line are refused", arguments: malformedVersions)
    func malformedRequestVersion(_ row: (version: String, rfc: String)) {
        let error = parseFailure(request("INVITE \(requestURI) \(row.version)"))
        #expect(error?.code == .malformedStartLine, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 1)
    }

    static let malformedStatusLines: [(line: String, code: SIPParseError.Code, rfc: String)] = [
        ("HTTP/1.1 200 OK", .malformedStartLine, "RFC 3261 §7.2: Status-Line starts with SIP-Version"),
        ("SIP/2 200 OK", .malformedStartLine, "RFC 3261 §25.1"),
        ("SIP/2.0/UDP 200 OK", .malformedStartLine, "RFC 3261 §25.1"),
        ("SIP/2.0\t200 OK", .malformedStartLine, "RFC 3261 §7.2: SP after SIP-Version"),
        ("SIP/2.0", .malformedStartLine, "RFC 3261 §7.2: Status-Code is required"),
        ("SIP/2.0 ", .invalidStatusCode, "RFC 3261 §7.2"),
        ("SIP/2.0  200 OK", .invalidStatusCode, "RFC 3261 §7.2: one SP before Status-Code"),
    ]

    @Test("malformed Status-Lines are refused", arguments: malformedStatusLines)
    func malformedStatusLine(_ row: (line: String, code: SIPParseError.Code, rfc: String)) {
        let error = parseFailure(response(row.line))
        #expect(error?.code == row.code, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 1)
    }

    // MARK: - Status-Code

    static let validStatusCodes: [(code: Int, rfc: String)] = [
        (100, "RFC 3261 §21.1.1"), (180, "RFC 3261 §21.1.2"), (183, "RFC 3261 §21.1.5"),
        (199, "RFC 6228 §4"), (200, "RFC 3261 §21.2.1"), (202, "RFC 3265 §3.1.4.1"),
        (301, "RFC 3261 §21.3.2"), (400, "RFC 3261 §21.4.1"), (486, "RFC 3261 §21.4.24"),
        (500, "RFC 3261 §21.5.1"), (600, "RFC 3261 §21.6.1"), (699, "RFC 3261 §7.2: 6xx class"),
        (555, "RFC 3261 §8.1.3.2: unknown codes are treated as x00"),
    ]

    @Test("status codes 100-699 are accepted", arguments: validStatusCodes)
    func validStatusCode(_ row: (code: Int, rfc: String)) throws {
        var message = try SIPMessage(parsing: response("SIP/2.0 \(row.code) Some Reason"))
        #expect(message.statusCode == row.code, "\(row.rfc)")
        #expect(!message.isRequest)
        #expect(message.method == nil)
        #expect(message.requestURIText == nil)
        #expect(try message.requestURI() == nil)
        #expect(message.reasonPhrase == "Some Reason")
        #expect(message.description == "SIP/2.0 \(row.code) Some Reason")
        try message.validate()
    }

    static let invalidStatusCodes: [(code: String, rfc: String)] = [
        ("099", "RFC 3261 §7.2: 1xx-6xx only"),
        ("000", "RFC 3261 §7.2"),
        ("700", "RFC 3261 §7.2"),
        ("999", "RFC 3261 §7.2"),
        ("20", "RFC 3261 §25.1 Status-Code = 3DIGIT"),
        ("2000", "RFC 3261 §25.1; RFC 4475 §3.1.2.19"),
        ("2x0", "RFC 3261 §25.1"),
        ("-200", "RFC 3261 §25.1"),
        ("+200", "RFC 3261 §25.1"),
        ("200OK", "RFC 3261 §7.2: SP between Status-Code and Reason-Phrase"),
        ("200\tOK", "RFC 3261 §7.2: SP, not HTAB"),
        ("OK", "RFC 3261 §7.2"),
    ]

    @Test("status codes outside 100-699 or not three digits are refused", arguments: invalidStatusCodes)
    func invalidStatusCode(_ row: (code: String, rfc: String)) {
        let error = parseFailure(response("SIP/2.0 \(row.code) Reason"))
        #expect(error?.code == .invalidStatusCode, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 1)
        #expect(error?.column == 9)
    }

    // MARK: - Reason-Phrase

    static let reasonPhrases: [(line: String, reason: String, rfc: String)] = [
        ("SIP/2.0 200 OK", "OK", "RFC 3261 §7.2"),
        ("SIP/2.0 486 Busy Here", "Busy Here", "RFC 3261 §21.4.24"),
        ("SIP/2.0 100 ", "", "RFC 4475 §3.1.1.13: empty Reason-Phrase after the SP"),
        ("SIP/2.0 100", "", "tolerated: the SP before an empty Reason-Phrase is missing"),
        ("SIP/2.0 200  OK", " OK", "RFC 3261 §25.1: Reason-Phrase may contain SP"),
        ("SIP/2.0 200 OK ", "OK ", "RFC 3261 §25.1: trailing SP is part of the Reason-Phrase"),
        ("SIP/2.0 200 OK\tfine", "OK\tfine", "RFC 3261 §25.1: HTAB is allowed"),
        ("SIP/2.0 200 Très bien ✓", "Très bien ✓", "RFC 3261 §25.1 UTF8-NONASCII; RFC 4475 §3.1.1.12"),
        ("SIP/2.0 200 ;/?:@&=+$,-_.!~*'()%20", ";/?:@&=+$,-_.!~*'()%20", "RFC 3261 §25.1 reserved / unreserved / escaped"),
        ("SIP/2.0 200 SIP/2.0 200 OK", "SIP/2.0 200 OK", "RFC 3261 §7.2: everything up to CRLF"),
    ]

    @Test("the Reason-Phrase is kept as written", arguments: reasonPhrases)
    func reasonPhrase(_ row: (line: String, reason: String, rfc: String)) throws {
        var message = try SIPMessage(parsing: response(row.line))
        #expect(message.reasonPhrase == SIPString(row.reason), "\(row.rfc)")
        try message.validate()
    }

    static let badReasonBytes: [(byte: UInt8, rfc: String)] = [
        (0x00, "RFC 3261 §25.1: NUL is not in Reason-Phrase"),
        (0x01, "RFC 3261 §25.1: control characters are not"),
        (0x1B, "RFC 3261 §25.1"),
        (0x7F, "RFC 3261 §25.1: DEL"),
        (0xFF, "RFC 3261 §25.1 UTF8-NONASCII: 0xFF is never UTF-8"),
        (0xC0, "RFC 3629 §3: a lone lead byte"),
    ]

    @Test("control characters and invalid UTF-8 in the Reason-Phrase are refused by validate()", arguments: badReasonBytes)
    func badReasonPhrase(_ row: (byte: UInt8, rfc: String)) throws {
        var bytes = Array(response("SIP/2.0 200 OKAY").utf8)
        bytes[14] = row.byte  // "SIP/2.0 200 OK" + the byte at offset 14
        var message = try SIPMessage(parsing: bytes)
        #expect(message.statusCode == 200)
        let error = failure { try message.validate() }
        #expect(error?.code == .malformedStartLine, "\(row.rfc)")
        #expect(error?.line == 1)
        #expect(error?.column == 15)
    }

    // MARK: - Leading CRLFs, empty input

    @Test("CRLFs before the start line are ignored (RFC 3261 §7.5)", arguments: [1, 2, 5])
    func leadingCRLFs(_ count: Int) throws {
        let text = String(repeating: "\r\n", count: count) + request("OPTIONS \(requestURI) SIP/2.0", cseqMethod: "OPTIONS")
        var message = try SIPMessage(parsing: text)
        #expect(message.method == .options)
        #expect(message.requestURIText == SIPString(requestURI))
        try message.validate()
        // Error locations still count the skipped lines.
        let error = parseFailure(String(repeating: "\r\n", count: count) + request("OPTIONS  \(requestURI) SIP/2.0"))
        #expect(error?.code == .malformedStartLine)
        #expect(error?.line == count + 1)
        #expect(error?.column == 9)
    }

    static let emptyInputs: [(text: String, rfc: String)] = [
        ("", "nothing at all"),
        ("\r\n", "RFC 3261 §7.5: only CRLFs"),
        ("\r\n\r\n", "RFC 5626 §3.5.1 keep-alive in a datagram"),
        ("\r\n\r\n\r\n\r\n", "RFC 3261 §7.5"),
    ]

    @Test("input with no start line is an empty message", arguments: emptyInputs)
    func emptyInput(_ row: (text: String, rfc: String)) {
        #expect(parseFailure(row.text)?.code == .emptyMessage, "\(row.rfc)")
    }

    // MARK: - Line endings

    static let badLineEndings: [(text: String, line: Int, rfc: String)] = [
        ("INVITE \(requestURI) SIP/2.0\nVia: x\r\n\r\n", 1, "RFC 3261 §7.1: the Request-Line ends with CRLF, not LF"),
        ("INVITE \(requestURI) SIP/2.0\rVia: x\r\n\r\n", 1, "RFC 3261 §7.1: CR alone"),
        ("SIP/2.0 200 OK\nVia: x\r\n\r\n", 1, "RFC 3261 §7.2: the Status-Line ends with CRLF"),
        ("SIP/2.0 200 OK\n\r\n", 1, "RFC 3261 §7.2: LF CR is not CRLF"),
        ("\nINVITE \(requestURI) SIP/2.0\r\n\r\n", 1, "RFC 3261 §7.5: only CRLF may precede the start line"),
        ("\r\rINVITE \(requestURI) SIP/2.0\r\n\r\n", 1, "RFC 3261 §7.5"),
        ("INVITE \(requestURI) SIP/2.0\r\nMax-Forwards: 70\nTo: <sip:a@b.example>\r\n\r\n", 2, "RFC 3261 §7.3: a header line ends with CRLF"),
        ("INVITE \(requestURI) SIP/2.0\r\nMax-Forwards: 70\rTo: <sip:a@b.example>\r\n\r\n", 2, "RFC 3261 §7.3: CR alone"),
        ("INVITE \(requestURI) SIP/2.0\r\nMax-Forwards: 70\r\n\n", 3, "RFC 3261 §7: the empty line is CRLF"),
        ("INVITE \(requestURI) SIP/2.0\r\nMax-Forwards: 70\r\n\rbody", 3, "RFC 3261 §7: the empty line is CRLF"),
        ("INVITE \(requestURI) SIP/2.0\nMax-Forwards: 70\n\n", 1, "RFC 3261 §7: bare LF everywhere"),
        ("INVITE \(requestURI) SIP/2.0\r\nSubject: a\r\n\n b\r\n\r\n", 3, "RFC 3261 §7.3.1: folding is CRLF then WSP"),
    ]

    @Test("bare LF and bare CR line endings are refused", arguments: badLineEndings)
    func badLineEnding(_ row: (text: String, line: Int, rfc: String)) {
        let error = parseFailure(row.text)
        #expect(error?.code == .invalidLineEnding, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == row.line)
        #expect(error?.code.breaksFraming == true)
    }

    @Test("a message that ends inside its start line is unterminated")
    func unterminatedStartLine() {
        for text in ["INVITE \(requestURI) SIP/2.0", "INVITE \(requestURI) SIP/2.0\r", "SIP/2.0 200 OK"] {
            #expect(parseFailure(text)?.code == .unterminatedHeaderSection, "\(text.debugDescription)")
        }
    }

    // MARK: - NUL bytes

    @Test("a NUL anywhere in a Request-Line is refused at or before its column (RFC 3261 §25.1)")
    func nulInRequestLine() {
        let startLine = "INVITE \(requestURI) SIP/2.0"
        let template = Array(request(startLine).utf8)
        for position in 0..<startLine.utf8.count {
            var bytes = template
            bytes[position] = 0
            let error = parseFailure(bytes)
            #expect(error?.code == .malformedStartLine, "NUL at \(position): \(String(describing: error))")
            #expect(error?.line == 1)
            #expect((1...(position + 1)).contains(error?.column ?? 0), "NUL at \(position): column \(error?.column ?? 0)")
        }
    }

    @Test("a NUL in a Status-Line is refused by the parser, or by validate() when in the Reason-Phrase")
    func nulInStatusLine() throws {
        let statusLine = "SIP/2.0 200 OK"
        let template = Array(response(statusLine).utf8)
        for position in 0..<statusLine.utf8.count {
            var bytes = template
            bytes[position] = 0
            let expected: Set<SIPParseError.Code> =
                position < 8 ? [.malformedStartLine] : position < 12 ? [.invalidStatusCode] : []
            if expected.isEmpty {
                var message = try SIPMessage(parsing: bytes)
                let error = failure { try message.validate() }
                #expect(error?.code == .malformedStartLine, "NUL at \(position)")
                #expect(error?.column == position + 1)
            } else {
                let error = parseFailure(bytes)
                #expect(expected.contains(error?.code ?? .emptyMessage), "NUL at \(position): \(String(describing: error))")
                #expect(error?.line == 1)
            }
        }
    }

    // MARK: - Lengths

    @Test("a Request-URI longer than maxURILength is refused while reading the start line")
    func requestURITooLong() throws {
        let limit = ParserLimits.default.maxURILength
        let fits = "sip:" + String(repeating: "a", count: limit - 16) + "@example.com"
        #expect(fits.utf8.count == limit)
        var message = try SIPMessage(parsing: request("INVITE \(fits) SIP/2.0"))
        #expect(try message.requestURI()?.sipURI?.user?.count == limit - 16)
        let tooLong = "sip:" + String(repeating: "a", count: limit - 15) + "@example.com"
        let error = parseFailure(request("INVITE \(tooLong) SIP/2.0"))
        #expect(error?.code == .uriTooLong)
        #expect(error?.code.suggestedStatus == 513)
        #expect(error?.column == 8)
    }

    @Test("a start line longer than maxHeaderLength is refused")
    func startLineTooLong() {
        let uri = "sip:" + String(repeating: "a", count: ParserLimits.default.maxHeaderLength) + "@example.com"
        let error = parseFailure(request("INVITE \(uri) SIP/2.0"))
        #expect(error?.code == .headerTooLong)
        #expect(error?.line == 1)
    }
}
