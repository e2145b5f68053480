import NIOCore
import SIPCore
import SIPTestSupport
import Testing

private let startLine = "INVITE sip:bob@biloxi.example.com SIP/2.0"
private let mandatory = [
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
    "Max-Forwards: 70",
    "To: Bob <sip:bob@biloxi.example.com>",
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
    "CSeq: 314159 INVITE",
]

private func request(_ extra: [String] = [], body: String = "") -> String {
    SampleMessages.message([startLine] + mandatory + extra, body: body)
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

private func parseFailure(_ text: String, limits: ParserLimits = .default) -> SIPParseError? {
    failure { _ = try SIPMessage(parsing: text, limits: limits) }
}

/// Parses and validates; the error, or nil when the message is accepted.
private func fullFailure(_ bytes: [UInt8], framing: SIPMessage.Framing = .datagram, limits: ParserLimits = .default) -> SIPParseError? {
    failure {
        var message = try SIPMessage(parsing: bytes, framing: framing, limits: limits)
        try message.validate()
    }
}

/// A small deterministic generator, so that failures reproduce.
private struct HostileInputRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The codes a refusal of the message framing or head may carry.
private let framingCodes: Set<SIPParseError.Code> = [
    .emptyMessage, .messageTooLarge, .headerTooLong, .tooManyHeaders, .malformedStartLine,
    .unsupportedVersion, .invalidStatusCode, .invalidLineEnding, .malformedHeaderLine,
    .unterminatedHeaderSection, .invalidContentLength, .conflictingContentLength, .bodyTooLarge,
    .truncatedBody, .uriTooLong, .tooManyVias,
]

/// Oversized, truncated, binary and adversarial input: every case ends in a message or a
/// `SIPParseError` with a sensible code, never a crash, and every limit of `ParserLimits` is
/// enforced (RFC 3261 §18.1.1, §21.4.12 413, §21.5.11 513; RFC 4475 §3.1.2).
@Suite("Hostile input")
struct HostileInputTests {
    // MARK: - Limits

    @Test("the default limits are consistent")
    func defaultLimitsAreUsable() {
        #expect(ParserLimits.default.problems.isEmpty)
        #expect(!ParserLimits(maxHeaderLength: 100_000).problems.isEmpty)
        #expect(!ParserLimits(maxViaCount: 0).problems.isEmpty)
    }

    @Test("header count: maxHeaderCount fields pass, one more is too many")
    func headerCount() throws {
        let limit = ParserLimits.default.maxHeaderCount
        // mandatory (6) + Content-Length (1) + fillers.
        let fillers = (0..<(limit - mandatory.count - 1)).map { "X-Filler-\($0): \($0)" }
        var atLimit = try SIPMessage(parsing: request(fillers))
        #expect(atLimit.headers.count == limit)
        try atLimit.validate()
        let error = parseFailure(request(fillers + ["X-One-Too-Many: 1"]))
        #expect(error?.code == .tooManyHeaders)
        #expect(error?.code.suggestedStatus == 513)
        #expect(error?.line == limit + 2)  // the 129th field (Content-Length, added last) is on line 130
        // Folded lines count once.
        let folded = fillers.map { $0 + "\r\n continued" }
        #expect(try SIPMessage(parsing: request(folded)).headers.count == limit)
    }

    @Test("message size: maxMessageSize bytes pass the size check, one more is too large")
    func messageSize() throws {
        let limits = ParserLimits(maxMessageSize: 4_000, maxHeaderLength: 2_000, maxURILength: 1_000, maxBodySize: 4_000)
        #expect(limits.problems.isEmpty)
        let head = request([], body: "")
        let bodyLength = limits.maxMessageSize - head.utf8.count - 1  // Content-Length grows by digits
        var text = request([], body: String(repeating: "b", count: bodyLength))
        // Adjust the body so that the whole message is exactly the limit.
        let overshoot = text.utf8.count - limits.maxMessageSize
        text = request([], body: String(repeating: "b", count: bodyLength - overshoot))
        #expect(text.utf8.count == limits.maxMessageSize)
        #expect(parseFailure(text, limits: limits) == nil)
        let tooLarge = text + "x"  // one octet after the body
        let error = parseFailure(tooLarge, limits: limits)
        #expect(error?.code == .messageTooLarge)
        #expect(error?.code.suggestedStatus == 513)
        // The default limit is the largest UDP payload.
        #expect(parseFailure(request([], body: String(repeating: "b", count: 70_000)))?.code == .messageTooLarge)
    }

    @Test("header length: a field of maxHeaderLength bytes passes, one byte more is too long")
    func headerLength() throws {
        let limits = ParserLimits(maxHeaderLength: 200, maxURILength: 100)
        func field(length: Int) -> String {
            let name = "X-Long: "
            return name + String(repeating: "v", count: length - name.utf8.count)
        }
        #expect(field(length: 200).utf8.count == 200)
        let exact = failure { _ = try SIPMessage(parsing: request([field(length: 200)]), limits: limits) }
        #expect(exact == nil, "ParserLimits.maxHeaderLength: name, colon and value of \(limits.maxHeaderLength) bytes: \(String(describing: exact))")
        #expect(parseFailure(request([field(length: 199)]), limits: limits) == nil)
        let error = parseFailure(request([field(length: 201)]), limits: limits)
        #expect(error?.code == .headerTooLong)
        #expect(error?.line == 8)
        #expect(error?.column == 1)
        // Folded lines count toward the field's length.
        let folded = "X-Folded: " + Array(repeating: String(repeating: "w", count: 40), count: 6).joined(separator: "\r\n ")
        #expect(parseFailure(request([folded]), limits: limits)?.code == .headerTooLong)
    }

    @Test("a 1 MB header line is refused by size, or by header length when the size limit allows it")
    func megabyteHeaderLine() {
        let value = String(repeating: "A", count: 1 << 20)
        #expect(parseFailure(request(["X-Huge: \(value)"]))?.code == .messageTooLarge)
        let roomy = ParserLimits(maxMessageSize: 4 << 20, maxBodySize: 1_000)
        let error = parseFailure(request(["X-Huge: \(value)"]), limits: roomy)
        #expect(error?.code == .headerTooLong)
        #expect(error?.line == 8)
        // Without a line end at all.
        let unterminated = failure { _ = try SIPMessage(parsing: startLine + "\r\nX-Huge: " + value, limits: roomy) }
        #expect(unterminated?.code == .headerTooLong)
        // A start line of 1 MB.
        let longStart = failure { _ = try SIPMessage(parsing: "INVITE sip:" + value + " SIP/2.0\r\n\r\n", limits: roomy) }
        #expect(longStart?.code == .headerTooLong)
    }

    @Test("10,000 Via lines are refused at the Via limit")
    func tenThousandVias() {
        let vias = (0..<10_000).map { "Via: SIP/2.0/UDP p\($0).example.com;branch=z9hG4bK\($0)" }
        let text = request(vias)
        #expect(parseFailure(text)?.code == .messageTooLarge)
        let roomy = ParserLimits(maxMessageSize: 2 << 20, maxHeaderCount: 20_000)
        let error = parseFailure(text, limits: roomy)
        #expect(error?.code == .tooManyVias)
        // The first Via is on line 2; the others start on line 8, so the 71st is on line 77.
        #expect(error?.line == 7 + ParserLimits.default.maxViaCount)
        // The same number of values packed into few lines is refused when read.
        // 50 fields (under the field limit) of 200 values each.
        let packed = stride(from: 0, to: 10_000, by: 200).map { start in
            "Via: " + (start..<(start + 200)).map { "SIP/2.0/UDP p\($0).example.com" }.joined(separator: ",")
        }
        let packedError = failure {
            var message = try SIPMessage(parsing: request(packed), limits: ParserLimits(maxMessageSize: 2 << 20))
            _ = try message.via()
        }
        #expect(packedError?.code == .tooManyVias)
    }

    @Test("thousands of parameters are read (no limit is crossed) and a late duplicate is still found")
    func thousandsOfParameters() throws {
        // 1,300 parameters in a 7 KB Via value.
        let parameters = (0..<1_300).map { ";p\($0)" }.joined()
        var message = try SIPMessage(parsing: request(["Via: SIP/2.0/UDP many.example.com" + parameters + ";branch=z9hG4bKlast"]))
        let vias = try message.via()
        #expect(vias.count == 2)
        #expect(vias[1].branch == "z9hG4bKlast")
        #expect(vias[1].parameters.count(where: { _ in true }) == 1_301)
        var duplicate = try SIPMessage(parsing: request(["Via: SIP/2.0/UDP many.example.com;branch=z9hG4bK1" + parameters + ";branch=z9hG4bK2"]))
        #expect(failure { _ = try duplicate.via() }?.code == .malformedHeader)
        // Authorization: every parameter is compared with the ones before it.
        let auth = (0..<800).map { "p\($0)=\($0)" }.joined(separator: ",")
        let credentials = try SIPMessage(parsing: request(["Authorization: Digest " + auth]))
        #expect(try credentials.authorizations().first?.value("p799") == "799")
        let repeated = try SIPMessage(parsing: request(["Authorization: Digest " + auth + ",P0=again"]))
        #expect(failure { _ = try repeated.authorizations() }?.code == .malformedHeader)
        // URI parameters up to the URI limit.
        let uriParameters = (0..<150).map { ";u\($0)" }.joined()
        var contact = try SIPMessage(parsing: request(["Contact: <sip:a@192.0.2.1" + uriParameters + ">"]))
        #expect(try contact.contacts().contacts.first?.uri.sipURI?.parameters.count(where: { _ in true }) == 150)
        // Contact list elements.
        let contacts = (0..<300).map { "<sip:u\($0)@192.0.2.1>" }.joined(separator: ",")
        var many = try SIPMessage(parsing: request(["Contact: " + contacts]))
        #expect(try many.contacts().contacts.count == 300)
    }

    @Test("deeply nested junk is refused without recursion")
    func nestedJunk() throws {
        // Comment nesting is bounded (16 levels).
        let sixteen = String(repeating: "(", count: 16) + String(repeating: ")", count: 16)
        #expect(fullFailure(Array(request(["Server: x " + sixteen]).utf8)) == nil)
        let seventeen = String(repeating: "(", count: 17) + String(repeating: ")", count: 17)
        #expect(fullFailure(Array(request(["Server: x " + seventeen]).utf8))?.code == .malformedHeader)
        let deep = String(repeating: "(", count: 4_000) + String(repeating: ")", count: 4_000)
        #expect(fullFailure(Array(request(["User-Agent: " + deep]).utf8))?.code == .malformedHeader)
        #expect(fullFailure(Array(request(["Retry-After: 5 " + deep]).utf8))?.code == .malformedHeader)
        // Angle brackets, quotes and escapes piled up.
        let angles = String(repeating: "<", count: 3_000) + "sip:a@b.example" + String(repeating: ">", count: 3_000)
        var nested = try SIPMessage(parsing: request(["Route: " + angles]))
        let nestedError = failure { _ = try nested.routes() }
        #expect(nestedError?.code == .uriTooLong || nestedError?.code == .invalidURI)
        let quotes = "\"" + String(repeating: "\\\"", count: 3_000) + "\" <sip:a@b.example>"
        var quoted = try SIPMessage(parsing: request(["Reply-To: " + quotes]))
        try quoted.validate()
        let unbalanced = String(repeating: "\"", count: 5_001) + " <sip:a@b.example>"
        #expect(fullFailure(Array(request(["Reply-To: " + unbalanced]).utf8))?.code == .malformedHeader)
        let escapes = "sip:" + String(repeating: "%25", count: 300) + "@b.example"
        #expect(try AnyURI(parsing: escapes).sipURI?.decodedUser == Array(repeating: UInt8(ascii: "%"), count: 300))
        let brackets = "sip:" + String(repeating: "[", count: 500) + "::1" + String(repeating: "]", count: 500)
        #expect(failure { _ = try AnyURI(parsing: brackets) }?.code == .invalidURI)
    }

    // MARK: - NUL bytes

    @Test("a NUL anywhere in the head of a valid message is refused on the NUL's line")
    func nulEverywhere() throws {
        let text = SampleMessages.invite
        let bytes = Array(text.utf8)
        var reference = try SIPMessage(parsing: bytes)
        try reference.validate()
        let headLength = bytes.count - reference.body.readableBytes
        var refused = 0
        for position in 0..<headLength {
            var corrupted = bytes
            corrupted[position] = 0
            let line = 1 + corrupted[..<position].count(where: { $0 == UInt8(ascii: "\n") })
            let error = fullFailure(corrupted)
            #expect(error != nil, "NUL at \(position) (line \(line)) was accepted")
            guard let error else { continue }
            refused += 1
            #expect(error.line == line, "NUL at \(position): \(error)")
        }
        #expect(refused == headLength)
        // In the body a NUL is just an octet (RFC 3261 §7.4; RFC 4475 §3.1.1.11).
        for position in headLength..<bytes.count {
            var corrupted = bytes
            corrupted[position] = 0
            #expect(fullFailure(corrupted) == nil, "NUL at body offset \(position - headLength)")
        }
    }

    @Test("messages made of NULs, or with NULs between lines, are refused")
    func nulMessages() {
        for bytes: [UInt8] in [
            [0], Array(repeating: 0, count: 1_000), [0, 0x0D, 0x0A, 0x0D, 0x0A],
            Array("INVITE sip:a@b.example SIP/2.0\r\n\0\r\n\r\n".utf8),
            Array("\0INVITE sip:a@b.example SIP/2.0\r\n\r\n".utf8),
        ] {
            let error = fullFailure(bytes)
            #expect(framingCodes.contains(error?.code ?? .cseqMethodMismatch), "\(bytes.prefix(40)): \(String(describing: error))")
        }
    }

    // MARK: - Truncation

    @Test("every prefix of a valid message gives an error or a message, never a crash", arguments: [SIPMessage.Framing.datagram, .stream])
    func everyPrefix(_ framing: SIPMessage.Framing) throws {
        let bytes = Array(("\r\n" + SampleMessages.invite).utf8)
        let full = try SIPMessage(parsing: bytes)
        let headEnd = bytes.count - full.body.readableBytes
        for length in 0...bytes.count {
            let prefix = Array(bytes[..<length])
            let error = failure { _ = try SIPMessage(parsing: prefix, framing: framing) }
            switch length {
            case bytes.count:
                #expect(error == nil)
            case headEnd...:
                #expect(error?.code == .truncatedBody, "prefix \(length)")
                #expect(error?.partialMessage?.method == .invite, "prefix \(length)")
            case 0, 2:
                #expect(error?.code == .emptyMessage, "prefix \(length): \(String(describing: error))")
            default:
                // Cut inside a line: unterminated; inside a header name: no colon; after the
                // CR of the empty line: a CR without LF. All of them break the framing.
                let codes: Set<SIPParseError.Code> = [.unterminatedHeaderSection, .malformedHeaderLine, .invalidLineEnding]
                #expect(codes.contains(error?.code ?? .emptyMessage), "prefix \(length): \(String(describing: error))")
                #expect(error?.code.breaksFraming == true)
                // Cut right after a complete line: the head read so far is kept, so that a
                // datagram can still be answered 400 when it holds what a response copies.
                let endsAtLine = prefix.count > 2 && prefix.suffix(2) == [0x0D, 0x0A]
                if endsAtLine {
                    #expect(error?.code == .unterminatedHeaderSection, "prefix \(length)")
                    #expect(error?.partialMessage?.method == .invite, "prefix \(length)")
                } else {
                    #expect(error?.partialMessage == nil, "prefix \(length)")
                }
                let cutInValue = prefix.last.map { $0 != UInt8(ascii: "\n") && prefix.contains(UInt8(ascii: ":")) } ?? false
                if cutInValue, let lastLine = prefix.split(separator: UInt8(ascii: "\n")).last, lastLine.contains(UInt8(ascii: ":")) {
                    #expect(error?.code != .malformedHeaderLine, "prefix \(length): a cut after the colon is not malformed")
                }
            }
        }
    }

    @Test("every prefix of a folded, compact message is refused or accepted consistently")
    func everyPrefixFolded() throws {
        let text = SampleMessages.message(
            [
                "OPTIONS sip:bob@biloxi.example.com SIP/2.0",
                "v: SIP/2.0/UDP\r\n pc33.atlanta.example.com\r\n\t;branch=z9hG4bK1",
                "t:\r\n <sip:bob@biloxi.example.com>",
                "f: <sip:alice@atlanta.example.com>;tag=1",
                "i: x",
                "CSeq: 1\r\n OPTIONS",
            ])
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count {
            let error = fullFailure(Array(bytes[..<length]))
            #expect(error != nil, "prefix \(length) accepted")
            #expect(framingCodes.contains(error?.code ?? .cseqMethodMismatch), "prefix \(length): \(String(describing: error))")
        }
        #expect(fullFailure(bytes) == nil)
    }

    // MARK: - Binary garbage

    @Test("random binary datagrams are refused with a framing error", arguments: [1, 2, 3, 4])
    func randomGarbage(_ seed: UInt64) {
        var generator = HostileInputRandom(state: seed)
        for round in 0..<500 {
            let count = Int.random(in: 0...2_048, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let error = fullFailure(bytes)
            #expect(framingCodes.contains(error?.code ?? .cseqMethodMismatch), "seed \(seed) round \(round): \(String(describing: error))")
        }
    }

    @Test("random printable junk after a valid start line is refused")
    func printableJunk() {
        var generator = HostileInputRandom(state: 42)
        let alphabet = Array("abcXYZ019:;,=<>\"\\@[]() \t\r\n%/".utf8)
        for round in 0..<1_000 {
            let count = Int.random(in: 1...300, using: &generator)
            let junk = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let bytes = Array((startLine + "\r\n").utf8) + junk + Array("\r\n\r\n".utf8)
            // Anything may happen but a crash; when refused, a code is given and located.
            if let error = fullFailure(bytes) {
                #expect(error.line >= 1 && error.column >= 1, "round \(round): \(error)")
                #expect(!error.reasonPhrase.isEmpty)
            }
        }
    }

    /// One kind of garbage; shown by its description, not its (possibly huge) bytes.
    struct Garbage: Sendable, CustomStringConvertible {
        let what: String
        let codes: Set<SIPParseError.Code>
        let make: @Sendable () -> [UInt8]
        var description: String { what }
    }

    static let knownGarbage: [Garbage] = [
        Garbage(what: "an HTTP request (RFC 3261 §7.1)", codes: [.malformedStartLine]) { Array("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8) },
        Garbage(what: "an HTTP response (RFC 3261 §7.2)", codes: [.malformedStartLine]) { Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8) },
        Garbage(what: "a TLS ClientHello on the UDP port", codes: [.malformedStartLine]) {
            [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + Array(repeating: 0x41, count: 64) + [0x0D, 0x0A]
        },
        Garbage(what: "0xFF octets", codes: [.malformedStartLine]) { Array(repeating: 0xFF, count: 4_096) + Array("\r\n\r\n".utf8) },
        Garbage(what: "0xFF octets without a line end", codes: [.unterminatedHeaderSection]) { Array(repeating: 0xFF, count: 4_096) },
        Garbage(what: "bare LFs (RFC 3261 §7)", codes: [.invalidLineEnding]) { Array(repeating: UInt8(ascii: "\n"), count: 100) },
        Garbage(what: "bare CRs (RFC 3261 §7)", codes: [.invalidLineEnding]) { Array(repeating: UInt8(ascii: "\r"), count: 100) },
        Garbage(what: "CRLFs only (RFC 3261 §7.5)", codes: [.emptyMessage]) { Array(String(repeating: "\r\n", count: 10_000).utf8) },
        Garbage(what: "oversized junk", codes: [.messageTooLarge]) { Array(repeating: UInt8(ascii: "A"), count: 70_000) },
        Garbage(what: "a start line without end", codes: [.headerTooLong]) { Array(repeating: UInt8(ascii: "A"), count: 9_000) },
        Garbage(what: "a header flood without an empty line", codes: [.tooManyHeaders]) {
            Array("INVITE sip:a@b.example SIP/2.0\r\n".utf8) + Array(String(repeating: "X: y\r\n", count: 200).utf8)
        },
        Garbage(what: "Content-Length above Int32 (RFC 4475 §3.1.2.2)", codes: [.bodyTooLarge]) {
            Array("INVITE sip:a@b.example SIP/2.0\r\nContent-Length: 2147483648\r\n\r\n".utf8)
        },
        Garbage(what: "Content-Length above UInt64", codes: [.bodyTooLarge]) {
            Array("INVITE sip:a@b.example SIP/2.0\r\nContent-Length: 18446744073709551616\r\n\r\n".utf8)
        },
        Garbage(what: "a 10-digit status code (RFC 4475 §3.1.2.19)", codes: [.invalidStatusCode]) { Array("SIP/2.0 4294967301 OK\r\n\r\n".utf8) },
        Garbage(what: "a version number overflow", codes: [.malformedStartLine]) { Array("SIP/99999999999999999999.0 200 OK\r\n\r\n".utf8) },
    ]

    @Test("known kinds of garbage get the expected code", arguments: knownGarbage)
    func garbage(_ row: Garbage) {
        let error = fullFailure(row.make())
        #expect(row.codes.contains(error?.code ?? .cseqMethodMismatch), "\(row.what): \(String(describing: error))")
    }

    @Test("every refusal carries a 1-based line and column, including size refusals", arguments: knownGarbage)
    func garbageIsLocated(_ row: Garbage) {
        let error = fullFailure(row.make())
        #expect((error?.line ?? 0) >= 1, "\(row.what): \(String(describing: error))")
        #expect((error?.column ?? 0) >= 1, "\(row.what): \(String(describing: error))")
    }

    @Test("reason phrases of errors stay printable and short, whatever the input")
    func reasonPhrases() {
        var bytes = Array("INVITE sip:a@b.example SIP/2.0\r\n".utf8)
        bytes += [0xE2, 0x80, 0xAE] + Array("X\u{1B}[31m: y\r\n\r\n".utf8)
        let error = fullFailure(bytes)
        #expect(error?.code == .malformedHeaderLine)
        let phrase = error?.reasonPhrase ?? "\u{1B}"
        #expect(phrase.unicodeScalars.allSatisfy { (0x20..<0x7F).contains($0.value) })
        #expect(phrase.count <= 100)
    }
}
