public import NIOCore

/// A SIP request or response, parsed lazily from the bytes it arrived in.
///
/// Parsing (`init(parsing:)`) reads the start line, finds every header field and frames the
/// body: one pass, one allocation (the header table). Header values stay byte ranges into
/// the received buffer until asked for; the structured hot headers (Via, From, To, CSeq,
/// Contact, Route, Record-Route and the Request-URI) are parsed on first access and cached,
/// which is why those accessors are `mutating`. `validate()` performs the full parse of every
/// known header and URI, as `sipwarden check` does.
public struct SIPMessage: Sendable, CustomStringConvertible {
    /// The message: start line, header section and body (octets after the body in a
    /// datagram are not included, RFC 3261 §18.3).
    public let bytes: ByteBuffer
    public let startLine: SIPStartLine
    let fields: [SIPHeaderField]
    let bodyStart: Int
    /// Where the parts of the start line lie.
    let startLineRanges: ParsedHead.StartLine
    /// The Content-Length value, nil when the header is absent.
    public let contentLength: Int?
    let limits: ParserLimits
    /// Typed hot headers, created on the first typed access. Boxed so that the message stays
    /// small (cheap to move and copy); copied on write so that copies stay independent.
    var cached: TypedHeaderCache?

    /// How the end of a message is found.
    public enum Framing: Sendable {
        /// One message per datagram: the body is Content-Length octets, or the rest of the
        /// datagram when there is no Content-Length; extra octets are ignored (RFC 3261 §18.3).
        case datagram
        /// A message cut from a byte stream: Content-Length is required and must match.
        case stream
    }

    /// Parses one message (datagram framing by default).
    public init(parsing input: ByteBuffer, framing: Framing = .datagram, limits: ParserLimits = .default) throws(SIPParseError) {
        // Offsets are stored in 32 bits: no limit may let a larger message through.
        let sizeLimit = min(limits.maxMessageSize, Int(UInt32.max))
        guard input.readableBytes <= sizeLimit else {
            var error = SIPParseError(.messageTooLarge, "message of \(input.readableBytes) bytes exceeds the \(sizeLimit)-byte limit", at: 0)
            error.line = 1
            error.column = 1
            throw error
        }
        let base = input.getSlice(at: input.readerIndex, length: input.readableBytes)!
        let head = try base.withUnsafeReadableBytes { bytes throws(SIPParseError) in
            do throws(SIPParseError) {
                return try MessageHeadParser.parse(bytes, limits: limits)
            } catch {
                throw error.located(in: bytes)
            }
        }
        try self.init(base: base, head: head, framing: framing, limits: limits)
    }

    /// Parses one message from bytes (datagram framing by default).
    public init(parsing bytes: some Sequence<UInt8>, framing: Framing = .datagram, limits: ParserLimits = .default) throws(SIPParseError) {
        try self.init(parsing: ByteBuffer(bytes: bytes), framing: framing, limits: limits)
    }

    /// Parses one message from text (datagram framing by default).
    public init(parsing text: String, framing: Framing = .datagram, limits: ParserLimits = .default) throws(SIPParseError) {
        try self.init(parsing: ByteBuffer(string: text), framing: framing, limits: limits)
    }

    /// Completes a message whose head is parsed: frames the body.
    init(base: ByteBuffer, head: ParsedHead, framing: Framing, limits: ParserLimits) throws(SIPParseError) {
        if var problem = head.deferredProblem {
            base.withUnsafeReadableBytes { problem.locate(in: $0) }
            problem.partialMessage = SIPMessage(base: base, head: head, bodyLength: 0, limits: limits)
            throw problem
        }
        let available = base.readableBytes - head.headerEnd
        let bodyLength: Int
        if let declared = head.contentLength {
            if declared > available || (framing == .stream && declared < available) {
                let partial = SIPMessage(base: base, head: head, bodyLength: 0, limits: limits)
                let offset = head.fields.first { $0.name == .contentLength }.map { Int($0.valueStart) } ?? 0
                var error =
                    declared > available
                    ? SIPParseError(.truncatedBody, "Content-Length \(declared) but only \(available) body bytes", at: offset)
                    : SIPParseError(.trailingBytes, "\(available - declared) bytes after the body", at: head.headerEnd + declared)
                base.withUnsafeReadableBytes { error.locate(in: $0) }
                error.partialMessage = partial
                throw error
            }
            bodyLength = declared
        } else {
            guard framing == .datagram else {
                var error = SIPParseError(.missingContentLength, "Content-Length is required on stream transports (RFC 3261 §18.3)", at: head.headerEnd)
                base.withUnsafeReadableBytes { error.locate(in: $0) }
                error.partialMessage = SIPMessage(base: base, head: head, bodyLength: 0, limits: limits)
                throw error
            }
            // The rest of the datagram is the body: it is held to the same limit as a declared one.
            guard available <= limits.maxBodySize else {
                var error = SIPParseError(.bodyTooLarge, "body of \(available) bytes exceeds the \(limits.maxBodySize)-byte limit", at: head.headerEnd)
                base.withUnsafeReadableBytes { error.locate(in: $0) }
                error.partialMessage = SIPMessage(base: base, head: head, bodyLength: 0, limits: limits)
                throw error
            }
            bodyLength = available
        }
        self.init(base: base, head: head, bodyLength: bodyLength, limits: limits)
    }

    private init(base: ByteBuffer, head: ParsedHead, bodyLength: Int, limits: ParserLimits) {
        let bytes = base.getSlice(at: base.readerIndex, length: head.headerEnd + bodyLength)!
        self.bytes = bytes
        self.fields = head.fields
        self.bodyStart = head.headerEnd
        self.contentLength = head.contentLength
        self.limits = limits
        self.startLineRanges = head.startLine
        switch head.startLine {
        case .request(let method, let uri):
            self.startLine = bytes.withUnsafeReadableBytes { raw in
                .request(method: SIPMethod.make(raw, method, base: bytes), uri: bytes.sipString(uri))
            }
        case .response(let code, let reason):
            self.startLine = .response(statusCode: code, reasonPhrase: bytes.sipString(reason))
        }
    }

    public var isRequest: Bool {
        if case .request = startLine { return true }
        return false
    }

    /// The request method, nil for a response.
    public var method: SIPMethod? {
        if case .request(let method, _) = startLine { return method }
        return nil
    }

    /// The Request-URI as written, nil for a response.
    public var requestURIText: SIPString? {
        if case .request(_, let uri) = startLine { return uri }
        return nil
    }

    /// The status code, nil for a request.
    public var statusCode: Int? {
        if case .response(let code, _) = startLine { return code }
        return nil
    }

    /// The reason phrase as written, nil for a request.
    public var reasonPhrase: SIPString? {
        if case .response(_, let reason) = startLine { return reason }
        return nil
    }

    /// Every header field in order, as received.
    public var headers: SIPHeaders { SIPHeaders(base: bytes, fields: fields) }

    /// The body (Content-Length octets; empty when there is none).
    public var body: ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + bodyStart, length: bytes.readableBytes - bodyStart)!
    }

    public var description: String { startLine.description }
}

/// The typed hot headers, parsed on first access.
///
/// `@unchecked Sendable` is sound because the box is only mutated through
/// `SIPMessage.writableCache()`, which copies it first unless this message holds the only
/// reference: a box shared between copies (and so possibly between threads) is never written.
/// For the same reason the runtime exclusivity checks on its properties are not needed.
final class TypedHeaderCache: @unchecked Sendable {
    @exclusivity(unchecked) var requestURI: AnyURI?
    @exclusivity(unchecked) var via: [SIPVia]?
    @exclusivity(unchecked) var from: SIPNameAddress?
    @exclusivity(unchecked) var to: SIPNameAddress?
    @exclusivity(unchecked) var cseq: SIPCSeq?
    @exclusivity(unchecked) var contacts: SIPContactList?
    @exclusivity(unchecked) var routes: [SIPNameAddress]?
    @exclusivity(unchecked) var recordRoutes: [SIPNameAddress]?

    init() {}

    func copy() -> TypedHeaderCache {
        let copy = TypedHeaderCache()
        copy.requestURI = requestURI
        copy.via = via
        copy.from = from
        copy.to = to
        copy.cseq = cseq
        copy.contacts = contacts
        copy.routes = routes
        copy.recordRoutes = recordRoutes
        return copy
    }
}

extension SIPMessage {
    /// The cache box, created or copied so that this message owns it alone.
    mutating func writableCache() -> TypedHeaderCache {
        if cached == nil {
            cached = TypedHeaderCache()
        } else if !isKnownUniquelyReferenced(&cached) {
            cached = cached!.copy()
        }
        return cached!
    }
}
