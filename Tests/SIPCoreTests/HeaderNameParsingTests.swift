import NIOCore
import SIPCore
import SIPTestSupport
import Testing

/// The lines of a valid INVITE, without Content-Length (SampleMessages adds it).
private let baseLines = [
    "INVITE sip:bob@biloxi.example.com SIP/2.0",
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
    "Max-Forwards: 70",
    "To: Bob <sip:bob@biloxi.example.com>",
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
    "CSeq: 314159 INVITE",
]

/// `baseLines` with the line whose name is `name` replaced by `line` (or removed when nil).
private func message(replacing name: String, with line: String?, adding extra: [String] = []) -> String {
    var lines = baseLines
    let index = lines.firstIndex { $0.hasPrefix(name + ":") }!
    if let line { lines[index] = line } else { lines.remove(at: index) }
    return SampleMessages.message(lines + extra)
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

/// Header field names (RFC 3261 §7.3, §7.3.1, §7.3.3, §20) and the header table.
@Suite("Header names, folding and the header table")
struct HeaderNameParsingTests {
    // MARK: - Compact forms

    static let compactForms: [(letter: String, header: SIPHeaderName, value: String, rfc: String)] = [
        ("i", .callID, "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com", "RFC 3261 §7.3.3, §20.8"),
        ("m", .contact, "<sip:alice@192.0.2.4>", "RFC 3261 §7.3.3, §20.10"),
        ("e", .contentEncoding, "gzip", "RFC 3261 §7.3.3, §20.12"),
        ("l", .contentLength, "0", "RFC 3261 §7.3.3, §20.14"),
        ("c", .contentType, "application/sdp", "RFC 3261 §7.3.3, §20.15"),
        ("f", .from, "<sip:carol@chicago.example.com>;tag=xyz", "RFC 3261 §7.3.3, §20.20"),
        ("s", .subject, "Need more boxes", "RFC 3261 §7.3.3, §20.36"),
        ("k", .supported, "100rel", "RFC 3261 §7.3.3, §20.37"),
        ("t", .to, "<sip:carol@chicago.example.com>", "RFC 3261 §7.3.3, §20.39"),
        ("v", .via, "SIP/2.0/TCP client.example.com;branch=z9hG4bK74b76", "RFC 3261 §7.3.3, §20.42"),
        ("o", .event, "presence", "RFC 6665 §8.2.1"),
        ("u", .allowEvents, "presence, dialog", "RFC 6665 §8.2.2"),
        ("r", .referTo, "<sip:dave@denver.example.org>", "RFC 3515 §2.1"),
        ("b", .referredBy, "<sip:referrer@referrer.example>", "RFC 3892 §3"),
        ("x", .sessionExpires, "1800;refresher=uac", "RFC 4028 §4"),
        ("y", .identity, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln;info=<https://cert.example.org/a.cer>", "RFC 8224 §4"),
        ("a", .acceptContact, "*;audio", "RFC 3841 §9.2"),
        ("j", .rejectContact, "*;video", "RFC 3841 §9.2"),
        ("d", .requestDisposition, "proxy, recurse", "RFC 3841 §9.1"),
    ]

    @Test("every compact form maps to its header, in either case", arguments: compactForms)
    func compactForm(_ row: (letter: String, header: SIPHeaderName, value: String, rfc: String)) throws {
        #expect(SIPHeaderName(row.letter) == row.header, "\(row.rfc)")
        #expect(SIPHeaderName(row.letter.uppercased()) == row.header, "\(row.rfc): compact forms are case-insensitive (RFC 3261 §7.3.1)")
        #expect(row.header.compactForm == Character(row.letter))
        let message = try SIPMessage(parsing: SampleMessages.message(baseLines + ["\(row.letter): \(row.value)"]))
        let header = try #require(message.headers.last { $0.rawName == row.letter })
        #expect(header.name == row.header)
        #expect(header.value == row.value)
        #expect(message.headers.values(row.header).last == SIPString(row.value))
        #expect(message.headers.values(named: row.letter) == message.headers.values(row.header))
        #expect(message.headers.values(named: row.header.canonicalName) == message.headers.values(row.header))
        #expect(message.headers.values(named: row.letter.uppercased()) == message.headers.values(row.header))
    }

    @Test("letters without a compact form are extension headers (IANA SIP header registry)")
    func lettersWithoutCompactForm() throws {
        let letters = ["g", "h", "n", "p", "q", "w", "z", "G", "Q"]
        for letter in letters {
            #expect(SIPHeaderName(letter) == .extensionHeader, "\(letter)")
        }
        let message = try SIPMessage(parsing: SampleMessages.message(baseLines + letters.map { "\($0): value-\($0)" }))
        for letter in letters {
            let header = try #require(message.headers.first { $0.rawName == letter })
            #expect(header.name == .extensionHeader)
            #expect(header.value == "value-\(letter)")
            #expect(message.headers.values(named: letter).count == (letter.lowercased() == "g" || letter.lowercased() == "q" ? 2 : 1))
        }
    }

    @Test("a message written entirely in compact form parses and validates (RFC 3261 §7.3.3)")
    func compactMessage() throws {
        let text = SampleMessages.message(
            [
                "INVITE sip:bob@biloxi.example.com SIP/2.0",
                "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
                "t: Bob <sip:bob@biloxi.example.com>",
                "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
                "i: a84b4c76e66710@pc33.atlanta.example.com",
                "CSeq: 314159 INVITE",
                "m: <sip:alice@pc33.atlanta.example.com>",
                "c: application/sdp",
                "k: 100rel",
                "s: lunch",
                "l: 4",
            ], body: "v=0\n")
        var message = try SIPMessage(parsing: text)
        #expect(try message.topVia().host == "pc33.atlanta.example.com")
        #expect(try message.to().displayName == "Bob")
        #expect(try message.from().tag == "1928301774")
        #expect(try message.callID() == "a84b4c76e66710@pc33.atlanta.example.com")
        #expect(try message.contacts().contacts.count == 1)
        #expect(try message.contentType()?.matches("application", "sdp") == true)
        #expect(try message.supported() == ["100rel"])
        #expect(message.contentLength == 4)
        #expect(message.body.readableBytes == 4)
        try message.validate()
    }

    // MARK: - Full names

    static let spellings: [(spelling: String, header: SIPHeaderName, rfc: String)] = [
        ("VIA", .via, "RFC 3261 §7.3.1: field names are case-insensitive"),
        ("via", .via, "RFC 3261 §7.3.1"),
        ("vIa", .via, "RFC 3261 §7.3.1"),
        ("CALL-ID", .callID, "RFC 3261 §7.3.1"),
        ("call-id", .callID, "RFC 3261 §7.3.1"),
        ("Call-Id", .callID, "RFC 3261 §7.3.1"),
        ("cseq", .cseq, "RFC 3261 §7.3.1"),
        ("CSEQ", .cseq, "RFC 3261 §7.3.1"),
        ("MAX-FORWARDS", .maxForwards, "RFC 3261 §7.3.1"),
        ("content-LENGTH", .contentLength, "RFC 3261 §7.3.1"),
        ("www-authenticate", .wwwAuthenticate, "RFC 3261 §7.3.1"),
        ("Proxy-authorization", .proxyAuthorization, "RFC 3261 §7.3.1"),
        ("rack", .rack, "RFC 3262 §7.2"),
        ("RSEQ", .rseq, "RFC 3262 §7.1"),
        ("mime-version", .mimeVersion, "RFC 3261 §20.24"),
        ("p-asserted-identity", .pAssertedIdentity, "RFC 3325 §9.1"),
        ("record-ROUTE", .recordRoute, "RFC 3261 §7.3.1"),
    ]

    @Test("full header names are case-insensitive", arguments: spellings)
    func spelling(_ row: (spelling: String, header: SIPHeaderName, rfc: String)) throws {
        #expect(SIPHeaderName(row.spelling) == row.header, "\(row.rfc)")
        // "0" is a valid Content-Length; values are not interpreted here.
        let message = try SIPMessage(parsing: SampleMessages.message(baseLines + ["\(row.spelling): 0"]))
        let header = try #require(message.headers.last { $0.rawName == row.spelling })
        #expect(header.rawName == row.spelling)
        #expect(header.name == row.header)
    }

    @Test("every known header's canonical name maps back to it, in any case")
    func canonicalNamesRoundTrip() {
        for header in SIPHeaderName.allCases where header != .extensionHeader {
            #expect(SIPHeaderName(header.canonicalName) == header, "\(header)")
            #expect(SIPHeaderName(header.canonicalName.lowercased()) == header, "\(header)")
            #expect(SIPHeaderName(header.canonicalName.uppercased()) == header, "\(header)")
            #expect(header.description == header.canonicalName)
        }
    }

    static let nearMisses: [(name: String, rfc: String)] = [
        ("Vias", "a longer name is another header"), ("Vi", "a prefix is another header"),
        ("Call_ID", "'_' is not '-'"), ("CallID", "no hyphen"), ("Content-Length2", "suffix"),
        ("X-Via", "prefix"), ("Fromm", "typo"), ("", "empty"), ("ü", "non-ASCII"), ("1", "digit"),
        ("C%6Fntact", "RFC 4475 §3.1.1.5: no escapes in header names"),
    ]

    @Test("names that only resemble a known header are extension headers", arguments: nearMisses)
    func nearMiss(_ row: (name: String, rfc: String)) {
        #expect(SIPHeaderName(row.name) == .extensionHeader, "\(row.rfc)")
    }

    // MARK: - HCOLON

    static let colonSpacing: [(line: String, rfc: String)] = [
        ("Call-ID : abc@host.example", "RFC 3261 §7.3.1, §25.1 HCOLON = *( SP / HTAB ) \":\" SWS"),
        ("Call-ID\t: abc@host.example", "RFC 3261 §25.1: HTAB before the colon"),
        ("Call-ID   :abc@host.example", "RFC 3261 §25.1"),
        ("Call-ID:\tabc@host.example", "RFC 3261 §25.1 SWS after the colon"),
        ("Call-ID:abc@host.example", "RFC 3261 §7.3.1: no whitespace needed"),
        ("Call-ID:    abc@host.example    ", "RFC 3261 §7.3.1: surrounding whitespace is not part of the value"),
        ("Call-ID:\r\n abc@host.example", "RFC 3261 §7.3.1: folding right after the colon"),
        ("i :\t abc@host.example", "RFC 3261 §7.3.3 compact form with HCOLON"),
    ]

    @Test("whitespace around the colon is not part of the name or value", arguments: colonSpacing)
    func whitespaceAroundColon(_ row: (line: String, rfc: String)) throws {
        var message = try SIPMessage(parsing: message(replacing: "Call-ID", with: row.line))
        #expect(try message.callID() == "abc@host.example", "\(row.rfc)")
        let header = try #require(message.headers.first { $0.name == .callID })
        #expect(header.rawName == "Call-ID" || header.rawName == "i")
        try message.validate()
    }

    static let malformedLines: [(line: String, column: Int, rfc: String)] = [
        ("Call ID: x", 6, "RFC 3261 §25.1: a header name is a token (no SP)"),
        ("Call-ID x", 9, "RFC 3261 §7.3: HCOLON is required"),
        (": x", 1, "RFC 3261 §7.3: the name is not empty"),
        ("Call@ID: x", 5, "RFC 3261 §25.1 token"),
        ("[Call-ID]: x", 1, "RFC 3261 §25.1 token"),
        ("Call-ID", 8, "RFC 3261 §7.3: HCOLON is required"),
        ("Ca\u{0}ll-ID: x", 3, "RFC 3261 §25.1: NUL is not a token character"),
        ("Ünicode: x", 1, "RFC 3261 §25.1: header names are ASCII tokens"),
        ("Call-ID\r\n : x", 8, "RFC 3261 §25.1 HCOLON: only SP/HTAB before ':' (no folding)"),
        ("Call-\r\n ID: x", 6, "RFC 3261 §7.3.1: folding happens in LWS, not inside a name"),
    ]

    @Test("malformed header lines are refused at the bad byte", arguments: malformedLines)
    func malformedHeaderLine(_ row: (line: String, column: Int, rfc: String)) {
        let error = failure { _ = try SIPMessage(parsing: message(replacing: "Call-ID", with: row.line)) }
        #expect(error?.code == .malformedHeaderLine, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 6)
        #expect(error?.column == row.column)
    }

    // MARK: - Folding

    @Test("a folded Via parses as if on one line (RFC 3261 §7.3.1)")
    func foldedVia() throws {
        var message = try SIPMessage(
            parsing: message(replacing: "Via", with: "Via:\r\n SIP/2.0/UDP\r\n pc33.atlanta.example.com\r\n\t;branch=z9hG4bKnashds8"))
        let via = try message.topVia()
        #expect(via.transport == "UDP")
        #expect(via.host == "pc33.atlanta.example.com")
        #expect(via.branch == "z9hG4bKnashds8")
        let header = try #require(message.headers.first { $0.name == .via })
        #expect(header.value == "SIP/2.0/UDP\r\n pc33.atlanta.example.com\r\n\t;branch=z9hG4bKnashds8")
        #expect(header.unfoldedValue == "SIP/2.0/UDP pc33.atlanta.example.com ;branch=z9hG4bKnashds8")
        #expect(message.headers.count == baseLines.count)  // start line excluded, Content-Length added
        try message.validate()
    }

    static let foldedSubjects: [(line: String, value: String, unfolded: String, rfc: String)] = [
        (
            "Subject: I know you're there,\r\n               pick up the phone\r\n               and talk to me!",
            "I know you're there,\r\n               pick up the phone\r\n               and talk to me!",
            "I know you're there, pick up the phone and talk to me!",
            "RFC 3261 §7.3.1 example"
        ),
        ("Subject: a\r\n\tb", "a\r\n\tb", "a b", "RFC 3261 §7.3.1: HTAB starts a continuation line"),
        ("Subject: a   \r\n   b", "a   \r\n   b", "a b", "RFC 3261 §7.3.1: the whole LWS becomes one SP"),
        ("Subject: a\r\n \r\n b", "a\r\n \r\n b", "a b", "RFC 3261 §25.1 LWS: consecutive folds"),
        ("Subject: a\r\n ", "a", "a", "RFC 3261 §7.3.1: trailing LWS is not part of the value"),
        ("Subject: no folding here", "no folding here", "no folding here", "RFC 3261 §7.3.1"),
        ("Subject:", "", "", "RFC 3261 §20.36: Subject may be empty"),
    ]

    @Test("folded values keep their CRLF; unfoldedValue replaces each fold by one SP", arguments: foldedSubjects)
    func foldedSubject(_ row: (line: String, value: String, unfolded: String, rfc: String)) throws {
        var message = try SIPMessage(parsing: SampleMessages.message(baseLines + [row.line]))
        let header = try #require(message.headers.first { $0.name == .subject })
        #expect(header.value == row.value, "\(row.rfc)")
        #expect(header.unfoldedValue == row.unfolded, "\(row.rfc)")
        #expect(header.description == "Subject: \(row.unfolded)")
        #expect(message.headers.count == baseLines.count + 1)
        try message.validate()
    }

    @Test("a continuation line right after the start line is refused (RFC 3261 §7.3.1)")
    func continuationAfterStartLine() {
        var lines = baseLines
        lines.insert(" continued", at: 1)
        let error = failure { _ = try SIPMessage(parsing: SampleMessages.message(lines)) }
        #expect(error?.code == .malformedHeaderLine)
        #expect(error?.line == 2)
        #expect(error?.column == 1)
    }

    // MARK: - Extension headers

    @Test("extension headers are kept byte for byte, in order (RFC 3261 §7.3, §8.2.2.3)")
    func extensionHeadersKept() throws {
        let text = SampleMessages.message(
            baseLines + [
                "X-Custom:   Some  Value\twith tabs  ",
                "P-Unknown: ;;,,;;,;",
                "x-custom: second",
                "X-Empty:",
                "X-UTF8: Ünïcødé ✓",
                "X-Quoted: \"a, b\" <not parsed>",
            ])
        var message = try SIPMessage(parsing: text)
        #expect(message.headers.values(named: "X-Custom") == ["Some  Value\twith tabs", "second"])
        #expect(message.headers.values(named: "X-CUSTOM") == ["Some  Value\twith tabs", "second"])
        #expect(message.headers.values(named: "p-unknown") == [";;,,;;,;"])
        #expect(message.headers.values(named: "X-Empty") == [""])
        #expect(message.headers.values(named: "X-UTF8").first?.bytes == Array("Ünïcødé ✓".utf8))
        #expect(message.headers.values(named: "X-Quoted") == ["\"a, b\" <not parsed>"])
        #expect(message.headers.values(named: "X-Missing").isEmpty)
        let names = message.headers.map(\.rawName.string)
        #expect(names == ["Via", "Max-Forwards", "To", "From", "Call-ID", "CSeq", "X-Custom", "P-Unknown", "x-custom", "X-Empty", "X-UTF8", "X-Quoted", "Content-Length"])
        #expect(message.headers.filter { $0.name == .extensionHeader }.count == 6)
        #expect(message.headers[7].rawName == "P-Unknown")
        #expect(message.headers[8].description == "x-custom: second")
        try message.validate()
    }

    @Test("values(named:) treats compact and full names of known headers alike")
    func valuesNamedKnownHeaders() throws {
        let text = SampleMessages.message(
            baseLines + ["m: <sip:a@192.0.2.1>", "Contact: <sip:b@192.0.2.2>", "v: SIP/2.0/TCP second.example.com;branch=z9hG4bK2"])
        let message = try SIPMessage(parsing: text)
        let contacts: [SIPString] = ["<sip:a@192.0.2.1>", "<sip:b@192.0.2.2>"]
        #expect(message.headers.values(named: "m") == contacts)
        #expect(message.headers.values(named: "CONTACT") == contacts)
        #expect(message.headers.values(.contact) == contacts)
        #expect(message.headers.values(named: "v").count == 2)
        #expect(message.headers.count(.via) == 2)
        #expect(message.headers.count(.contact) == 2)
        #expect(message.headers.contains(.contentLength))
        #expect(!message.headers.contains(.route))
        #expect(message.headers.values(named: "l") == ["0"])
    }
}
