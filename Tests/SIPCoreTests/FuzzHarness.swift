import NIOCore
import SIPCore

// Shared by the in-test mutation fuzzer (MutationFuzzTests.swift) and the libFuzzer harness
// (fuzz/Sources/SIPCoreFuzzer/FuzzHarness.swift is a symbolic link to this file), so both
// run exactly the same checks. Keep it free of Testing and Foundation.

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny deterministic generator, so a failing
/// iteration can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0); modulo bias is irrelevant here.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with probability 1/n.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }
}

/// Runs every entry point of SIPCore over one input and collects the invariants it broke.
///
/// What a parser must do with hostile bytes: give a verdict (a message or a located
/// `SIPParseError`), never trap, hang or read out of bounds. What SIPCore promises on top:
/// - every error has a 1-based line and column;
/// - a message that passed `validate()` (and has no NUL in its header section) can be copied
///   into an `SIPOutgoingMessage`, whose bytes parse, validate and re-serialise to themselves;
/// - a response built for such a request parses and validates too;
/// - the stream framer cuts the same frames out of the bytes whether they arrive at once or
///   in chunks, and every frame it returns consumes bytes.
struct FuzzHarness {
    private(set) var violations: [String] = []
    /// Counters, for reporting what the inputs reached.
    private(set) var parsed = 0
    private(set) var validated = 0
    private(set) var refused = 0

    init() {}

    mutating func fail(_ message: String) {
        violations.append(message)
    }

    /// The status of the response built for each request, picked per input from the seed
    /// (100 takes no To tag, 699 is the top of the range).
    private var responseStatus = 200

    /// Everything, on `bytes`; `chunkSeed` picks the chunk sizes for the stream framer and the
    /// status of the response built for a request.
    mutating func run(_ bytes: [UInt8], chunkSeed: UInt64) {
        responseStatus = [100, 180, 200, 400, 699][Int(chunkSeed % 5)]
        for (framing, origin) in [(SIPMessage.Framing.datagram, "datagram"), (.stream, "stream")] {
            do {
                let message = try SIPMessage(parsing: bytes, framing: framing)
                parsed += 1
                if message.bytes.readableBytes > bytes.count {
                    fail("\(origin): message of \(message.bytes.readableBytes) bytes from \(bytes.count) bytes of input")
                }
                // The same bytes under the other framing: only the verdict needs checking.
                if let seen = exercised.first(where: { $0.message.bytes == message.bytes }) {
                    var copy = message
                    if ((try? copy.validate()) != nil) != seen.isValid {
                        fail("\(origin): validate() disagrees on the same bytes parsed with another framing")
                    }
                    continue
                }
                exercise(message, origin: origin)
            } catch {
                refused += 1
                check(error, origin: origin, what: "parse")
            }
        }
        frameStream(bytes, chunkSeed: chunkSeed)
    }

    /// A thrown error must say where: 1-based line and column, a non-negative offset.
    /// `origin` and `what` say where the error came from; they are only joined on failure,
    /// as string formatting would otherwise dominate the cost of a run.
    mutating func check(_ error: SIPParseError, origin: String, what: String) {
        if error.line < 1 || error.column < 1 || error.offset < 0 {
            fail("\(origin) \(what): \(error.code) error not located: line \(error.line), column \(error.column), offset \(error.offset) (\(error.detail))")
        }
        _ = error.code.suggestedStatus
        _ = error.code.breaksFraming
        if what == "parse" || what == "next" {
            // What a server logs and answers with; formatting every accessor's error would
            // dominate the cost of a run.
            _ = error.description
            _ = error.reasonPhrase
        }
        if let partial = error.partialMessage {
            // A server answers a refused request with 400 built from what it could read.
            exerciseAccessors(partial, origin: origin + " partial")
            if partial.isRequest {
                _ = try? SIPOutgoingMessage.response(to: partial, statusCode: error.code.suggestedStatus, toTag: "fuzz")
            }
        }
    }

    // MARK: - One message

    /// Messages already run through `exercise`, so that the same bytes cut out by another
    /// framing are not run through everything again.
    private var exercised: [(message: SIPMessage, isValid: Bool)] = []

    mutating func exercise(_ message: SIPMessage, origin: String) {
        exerciseAccessors(message, origin: origin)
        var full = message
        let isValid: Bool
        do {
            try full.validate()
            isValid = true
            validated += 1
        } catch {
            check(error, origin: origin, what: "validate")
            isValid = false
        }
        // validate() must agree with itself on a fresh copy (the caches must not change it).
        var again = message
        let againValid = (try? again.validate()) != nil
        if againValid != isValid {
            fail("\(origin): validate() gave different verdicts on two copies of one message")
        }
        exercised.append((message, isValid))
        roundTrip(message, isValid: isValid, origin: origin)
        respond(to: message, isValid: isValid, origin: origin)
    }

    /// Every accessor, typed header and the parts of their values. Errors are fine; traps are not.
    mutating func exerciseAccessors(_ input: SIPMessage, origin: String) {
        var message = input
        var sink = 0
        _ = message.description
        _ = message.isRequest
        _ = message.method?.name
        _ = message.requestURIText?.string
        _ = message.statusCode
        _ = message.reasonPhrase?.string
        _ = message.contentLength
        sink &+= message.body.readableBytes
        // unfoldedValue is read for every header by SIPOutgoingMessage(copying:) in roundTrip.
        for header in message.headers {
            sink &+= header.rawName.count &+ header.value.count &+ Int(header.name.rawValue)
        }
        _ = message.headers.last?.description
        _ = message.headers.values(.via)
        _ = message.headers.values(named: "X-Fuzz")
        _ = message.headers.values(named: "v")
        _ = message.headers.contains(.contact)
        _ = message.userAgent?.string
        _ = message.server?.string

        attempt("requestURI", origin) { () throws(SIPParseError) in
            if let uri = try message.requestURI() { sink &+= Self.touch(uri) }
        }
        attempt("via", origin) { () throws(SIPParseError) in
            for via in try message.via() { sink &+= Self.touch(via) }
        }
        attempt("topVia", origin) { () throws(SIPParseError) in sink &+= Self.touch(try message.topVia()) }
        attempt("from", origin) { () throws(SIPParseError) in sink &+= Self.touch(try message.from()) }
        attempt("to", origin) { () throws(SIPParseError) in sink &+= Self.touch(try message.to()) }
        attempt("cseq", origin) { () throws(SIPParseError) in
            let cseq = try message.cseq()
            sink &+= Int(cseq.sequence & 0xFF) &+ cseq.method.name.utf8.count &+ cseq.description.utf8.count
        }
        attempt("callID", origin) { () throws(SIPParseError) in sink &+= try message.callID().count }
        attempt("maxForwards", origin) { () throws(SIPParseError) in sink &+= try message.maxForwards() ?? 0 }
        attempt("expires", origin) { () throws(SIPParseError) in sink &+= Int(try message.expires() ?? 0) }
        attempt("contacts", origin) { () throws(SIPParseError) in
            let list = try message.contacts()
            sink &+= list.isWildcard ? 1 : 0
            for contact in list.contacts {
                sink &+= Self.touch(contact.address) &+ Int(contact.expires ?? 0) &+ (contact.qThousandths ?? 0)
                _ = contact.q
                sink &+= Self.touch(contact.parameters)
            }
        }
        attempt("routes", origin) { () throws(SIPParseError) in
            for route in try message.routes() { sink &+= Self.touch(route) }
        }
        attempt("recordRoutes", origin) { () throws(SIPParseError) in
            for route in try message.recordRoutes() { sink &+= Self.touch(route) }
        }
        attempt("contentType", origin) { () throws(SIPParseError) in
            if let type = try message.contentType() {
                sink &+= type.text.count &+ type.type.count &+ type.subtype.count &+ Self.touch(type.parameters)
                _ = type.matches("application", "sdp")
            }
        }
        for (name, accessor) in [
            ("authorizations", SIPMessage.authorizations), ("proxyAuthorizations", SIPMessage.proxyAuthorizations),
            ("wwwAuthenticates", SIPMessage.wwwAuthenticates), ("proxyAuthenticates", SIPMessage.proxyAuthenticates),
        ] as [(String, (SIPMessage) -> () throws(SIPParseError) -> [SIPAuthValue])] {
            attempt(name, origin) { () throws(SIPParseError) in
                for value in try accessor(message)() {
                    sink &+= value.text.count &+ value.scheme.count &+ (value.isDigest ? 1 : 0)
                    for field in [value.username, value.realm, value.nonce, value.opaque, value.uri, value.response,
                                  value.algorithm, value.cnonce, value.qop, value.nonceCount] {
                        sink &+= field?.utf8.count ?? 0
                    }
                    _ = value.isStale
                    _ = value.description
                    sink &+= Self.touch(value.parameters)
                }
            }
        }
        for (name, accessor) in [
            ("allow", SIPMessage.allow), ("supported", SIPMessage.supported), ("require", SIPMessage.require),
            ("proxyRequire", SIPMessage.proxyRequire), ("unsupported", SIPMessage.unsupported),
        ] as [(String, (SIPMessage) -> () throws(SIPParseError) -> [SIPString])] {
            attempt(name, origin) { () throws(SIPParseError) in
                for token in try accessor(message)() { sink &+= token.count }
            }
        }
        // Cached accessors must answer the same the second time.
        let first = (try? message.via())?.count
        let second = (try? message.via())?.count
        if first != second { fail("\(origin): via() changed between calls") }
        blackHole(sink)
    }

    /// Runs one accessor; a thrown error must be located.
    private mutating func attempt(_ name: String, _ origin: String, _ body: () throws(SIPParseError) -> Void) {
        do {
            try body()
        } catch {
            check(error, origin: origin, what: name)
        }
    }

    static func touch(_ uri: AnyURI) -> Int {
        var sink = uri.text.count &+ uri.scheme.utf8.count &+ uri.description.utf8.count
        switch uri {
        case .sip(let sip):
            sink &+= sip.user?.count ?? 0
            sink &+= sip.decodedUser?.count ?? 0
            sink &+= sip.password?.count ?? 0
            sink &+= sip.host.count &+ sip.hostAddress.count &+ (sip.port ?? 0)
            sink &+= touch(sip.parameters) &+ touch(sip.headers) &+ (sip.hasHeaders ? 1 : 0)
            sink &+= (sip.transport?.count ?? 0) &+ (sip.maddr?.count ?? 0) &+ (sip.userParameter?.count ?? 0)
            sink &+= sip.isLooseRouter ? 1 : 0
            _ = sip.hostKind
        case .tel(let tel):
            sink &+= tel.number.count &+ (tel.isGlobal ? 1 : 0) &+ touch(tel.parameters)
        case .other(let other):
            sink &+= other.scheme.utf8.count
        }
        _ = uri.sipURI
        return sink
    }

    static func touch(_ address: SIPNameAddress) -> Int {
        var sink = address.text.count &+ touch(address.uri) &+ (address.isBracketed ? 1 : 0)
        sink &+= address.rawDisplayName?.count ?? 0
        sink &+= address.displayName?.utf8.count ?? 0
        sink &+= touch(address.parameters) &+ (address.tag?.count ?? 0)
        return sink
    }

    static func touch(_ via: SIPVia) -> Int {
        var sink = via.text.count &+ via.protocolName.count &+ via.protocolVersion.count &+ via.transport.count
        sink &+= via.host.count &+ (via.port ?? 0) &+ (via.branch?.count ?? 0) &+ (via.received?.count ?? 0)
        sink &+= (via.maddr?.count ?? 0) &+ (via.ttl ?? 0) &+ touch(via.parameters) &+ (via.hasMagicCookie ? 1 : 0)
        switch via.rport {
        case .absent: break
        case .requested: sink &+= 1
        case .value(let port): sink &+= port
        }
        _ = via.hostKind
        return sink
    }

    static func touch(_ parameters: SIPParameters) -> Int {
        var sink = parameters.text.count &+ (parameters.isEmpty ? 1 : 0)
        for parameter in parameters {
            sink &+= parameter.name.count &+ (parameter.rawValue?.count ?? 0) &+ (parameter.value?.utf8.count ?? 0)
            _ = parameter.description
        }
        _ = parameters["tag"]
        _ = parameters.contains("lr")
        return sink
    }

    // MARK: - Serialisation

    /// Whether the header section holds a NUL: such a message cannot be copied out, as
    /// `SIPOutgoingMessage` refuses NUL in values.
    static func headHasNUL(_ message: SIPMessage) -> Bool {
        let head = message.bytes.readableBytes - message.body.readableBytes
        return message.bytes.readableBytesView.prefix(head).contains(0)
    }

    mutating func roundTrip(_ message: SIPMessage, isValid: Bool, origin: String) {
        let copy: SIPOutgoingMessage
        do {
            copy = try SIPOutgoingMessage(copying: message)
        } catch {
            if isValid && !Self.headHasNUL(message) {
                fail("\(origin): a valid message cannot be copied: \(error)")
            }
            return
        }
        let wire = copy.serialized
        _ = copy.description
        guard isValid else {
            // Not required to parse again, but it must not trap when tried.
            _ = try? SIPMessage(parsing: wire)
            return
        }
        do {
            var reparsed = try SIPMessage(parsing: wire, framing: .stream)
            try reparsed.validate()
            if reparsed.headers.count != message.headers.count(where: { $0.name != .contentLength }) + 1 {
                fail("\(origin): re-serialised message has \(reparsed.headers.count) header fields, expected \(message.headers.count(where: { $0.name != .contentLength }) + 1)")
            }
            if reparsed.body != message.body {
                fail("\(origin): re-serialised message has another body")
            }
            if !Self.sameStartLine(reparsed, message) {
                fail("\(origin): re-serialised message has another start line")
            }
            let wireAgain = try SIPOutgoingMessage(copying: reparsed).serialized
            if wireAgain != wire {
                fail("\(origin): serialisation is not a fixed point:\n\(Self.preview(wire))\n\(Self.preview(wireAgain))")
            }
        } catch {
            fail("\(origin): a valid message re-serialises to bytes that fail: \(error)\n\(Self.preview(wire))")
        }
    }

    /// The start of some bytes, escaped, for a failure message.
    static func preview(_ buffer: ByteBuffer) -> String {
        let text = String(decoding: buffer.readableBytesView.prefix(400), as: UTF8.self).debugDescription
        return buffer.readableBytes > 400 ? text + "... (\(buffer.readableBytes) bytes)" : text
    }

    @inline(never)
    static func sameStartLine(_ a: SIPMessage, _ b: SIPMessage) -> Bool {
        a.method == b.method && a.statusCode == b.statusCode
    }

    mutating func respond(to message: SIPMessage, isValid: Bool, origin: String) {
        guard message.isRequest else { return }
        for status in [responseStatus] {
            do {
                let response = try SIPOutgoingMessage.response(to: message, statusCode: status, toTag: "f1")
                let wire = response.serialized
                var parsed = try SIPMessage(parsing: wire, framing: .stream)
                if isValid && !Self.headHasNUL(message) {
                    try parsed.validate()
                    if parsed.statusCode != status { fail("\(origin): response has status \(parsed.statusCode ?? -1)") }
                    if status != 100, (try? parsed.to().tag) == nil {
                        fail("\(origin): \(status) response to a valid request has no To tag")
                    }
                }
            } catch let error as SIPSerializationError {
                if isValid && !Self.headHasNUL(message) {
                    fail("\(origin): cannot build a \(status) response to a valid request: \(error)")
                }
            } catch {
                if isValid && !Self.headHasNUL(message) {
                    fail("\(origin): \(status) response to a valid request does not parse and validate: \(error)")
                }
            }
        }
        // The server's stateless path: the top Via rewritten in bytes and the answer written
        // in one pass must be the very bytes of the builder, or refused by both.
        var forServer = message
        let topVia = (try? forServer.topVia())?.withSource(received: SIPString("192.0.2.7"), rport: 5060)
        var written = ByteBuffer()
        let wroteOK = (try? SIPOutgoingMessage.writeResponse(
            to: &forServer, statusCode: responseStatus, toTag: "f1", topVia: topVia, into: &written)) != nil
        var forBuilder = message
        let built = try? SIPOutgoingMessage.response(to: &forBuilder, statusCode: responseStatus, toTag: "f1", topVia: topVia)
        if wroteOK != (built != nil) || (wroteOK && built?.serialized != written) {
            fail("\(origin): writeResponse and response(to:) disagree")
        }
        // A tag that is not a token must be refused, not written into the To header.
        var copy = message
        if isValid, let to = try? copy.to(), to.tag == nil,
            (try? SIPOutgoingMessage.response(to: message, statusCode: 200, toTag: "a\r\nb")) != nil
        {
            fail("\(origin): a To tag with CRLF was accepted")
        }
    }

    // MARK: - Stream framing

    /// What the framer produced: each message's bytes, pings, and the final error code.
    struct Frames: Equatable {
        var frames: [[UInt8]] = []
        var error: SIPParseError.Code?
    }

    mutating func frameStream(_ bytes: [UInt8], chunkSeed: UInt64) {
        let whole = frame(chunks: [bytes[...]], origin: "framer at once", exerciseMessages: true)
        var generator = SplitMix64(seed: chunkSeed)
        var chunks: [ArraySlice<UInt8>] = []
        var index = 0
        while index < bytes.count {
            let size: Int
            switch generator.below(4) {
            case 0: size = 1
            case 1: size = 1 + generator.below(8)
            case 2: size = 1 + generator.below(128)
            default: size = 1 + generator.below(4096)
            }
            let end = min(bytes.count, index + size)
            chunks.append(bytes[index..<end])
            index = end
        }
        let pieces = frame(chunks: chunks, origin: "framer in chunks", exerciseMessages: false)
        if whole != pieces {
            fail("stream framer: \(whole.frames.count) frames then \(whole.error.map { "\($0)" } ?? "no error") at once, but \(pieces.frames.count) frames then \(pieces.error.map { "\($0)" } ?? "no error") in chunks")
        }
    }

    private mutating func frame(chunks: [ArraySlice<UInt8>], origin: String, exerciseMessages: Bool) -> Frames {
        var framer = SIPStreamFramer()
        var buffer = ByteBuffer()
        var result = Frames()
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while true {
                let before = buffer.readerIndex
                do {
                    guard let frame = try framer.next(from: &buffer) else { break }
                    if buffer.readerIndex <= before {
                        fail("\(origin): a frame consumed no bytes")
                        return result
                    }
                    switch frame {
                    case .keepAlivePing:
                        result.frames.append([])
                    case .message(let message):
                        result.frames.append(Array(message.bytes.readableBytesView))
                        if message.contentLength != message.body.readableBytes {
                            fail("\(origin): framed message with Content-Length \(message.contentLength ?? -1) and a \(message.body.readableBytes)-byte body")
                        }
                        // The first frame is usually the message `run` already parsed with
                        // stream framing; the ones after it are new.
                        if exerciseMessages, result.frames.count <= 4 {
                            if let seen = exercised.first(where: { $0.message.bytes == message.bytes }) {
                                var copy = message
                                if ((try? copy.validate()) != nil) != seen.isValid {
                                    fail("\(origin): validate() disagrees on the same bytes parsed by the framer")
                                }
                            } else {
                                exercise(message, origin: origin)
                            }
                        }
                    }
                } catch {
                    check(error, origin: origin, what: "next")
                    if !framer.hasFailed { fail("\(origin): the framer threw but has not failed") }
                    // A failed framer keeps failing.
                    do {
                        _ = try framer.next(from: &buffer)
                        fail("\(origin): the framer recovered after a fatal error")
                    } catch {}
                    result.error = error.code
                    return result
                }
            }
        }
        return result
    }
}

/// Keeps the optimiser from dropping the accessor calls.
@inline(never)
func blackHole(_ value: Int) {
    if value == 0x7FFF_FFFF_FFFF_FFF1 { print("") }
}
