/// The full parse: what `sipwarden check` runs and what an element runs before it trusts a
/// message enough to act on more than its hot headers.
extension SIPMessage {
    /// Headers that RFC 3261 §8.1.1 requires in every request and §8.2.6 copies into every
    /// response. Max-Forwards is left out: RFC 2543 requests lack it (RFC 4475 §3.4.1).
    public static let mandatoryHeaders: [SIPHeaderName] = [.via, .from, .to, .callID, .cseq]

    /// Headers whose value is not a comma-separated list, so they may appear only once
    /// (RFC 3261 §7.3.1).
    public static let singleValueHeaders: HeaderNameSet = [
        .from, .to, .callID, .cseq, .maxForwards, .contentLength, .contentType, .contentDisposition,
        .expires, .minExpires, .date, .mimeVersion, .timestamp, .rseq, .rack, .sessionExpires, .minSE,
        .event, .replyTo, .referTo, .referredBy, .retryAfter, .priority, .subject, .organization,
        .userAgent, .server,
    ]

    /// Parses every known header fully, checks every URI and the message-level rules, and
    /// throws the first problem in message order:
    /// - the Request-URI (no `?headers`) and the reason phrase;
    /// - each header field against its RFC grammar (extension headers: no control characters,
    ///   valid UTF-8);
    /// - the mandatory headers are present and single-value headers appear once;
    /// - a request's CSeq method equals its method (RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.17).
    public mutating func validate() throws(SIPParseError) {
        switch startLine {
        case .request:
            _ = try requestURI()
        case .response:
            try checkReasonPhrase()
        }
        // List headers whose rules span fields (the Via count, a lone '*' Contact) are read
        // whole, through the cached accessors, when their first field comes up.
        var listsRead: (via: Bool, contact: Bool, route: Bool, recordRoute: Bool) = (false, false, false, false)
        // The first From and To are read through their cached accessors too (the same grammar
        // as HeaderValidator's): a response copies them and a stateless tag hashes them.
        var firstRead: (from: Bool, to: Bool) = (false, false)
        for field in fields {
            switch field.name {
            case .from where !firstRead.from:
                firstRead.from = true
                _ = try from()
            case .to where !firstRead.to:
                firstRead.to = true
                _ = try to()
            case .via where !listsRead.via:
                listsRead.via = true
                _ = try via()
            case .contact where !listsRead.contact:
                listsRead.contact = true
                _ = try contacts()
            case .route where !listsRead.route:
                listsRead.route = true
                _ = try routes()
            case .recordRoute where !listsRead.recordRoute:
                listsRead.recordRoute = true
                _ = try recordRoutes()
            case .via, .contact, .route, .recordRoute:
                break
            default:
                try HeaderValidator.validate(field, in: self)
            }
        }
        var present = HeaderNameSet()
        for field in fields {
            if present.contains(field.name), Self.singleValueHeaders.contains(field.name) {
                var error = SIPParseError(.duplicateHeader, "\(field.name.canonicalName) appears more than once", at: Int(field.nameStart))
                bytes.withUnsafeReadableBytes { error.locate(in: $0) }
                throw error
            }
            present.insert(field.name)
        }
        for name in Self.mandatoryHeaders where !present.contains(name) {
            throw missing(name)
        }
        if let method, try cseq().method != method {
            let field = try requiredField(.cseq)
            var error = SIPParseError(.cseqMethodMismatch, "CSeq method \(try cseq().method) does not match request method \(method)", at: Int(field.valueStart))
            bytes.withUnsafeReadableBytes { error.locate(in: $0) }
            error.partialMessage = self
            throw error
        }
    }

    /// Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP / HTAB)
    private func checkReasonPhrase() throws(SIPParseError) {
        guard case .response(_, let reason) = startLineRanges else { return }
        try bytes.withUnsafeReadableBytes { raw throws(SIPParseError) in
            if let bad = TextGrammar.firstInvalidReasonPhraseByte(raw, reason) {
                var error = SIPParseError(.malformedStartLine, "reason phrase contains \(HostGrammar.describe(raw[bad]))", at: bad)
                error.locate(in: raw)
                throw error
            }
        }
    }
}

/// A set of header names as a bit set (there are fewer than 128 known names).
public struct HeaderNameSet: Sendable, Hashable, ExpressibleByArrayLiteral {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    public init() {}

    public init(arrayLiteral names: SIPHeaderName...) {
        for name in names { insert(name) }
    }

    public func contains(_ name: SIPHeaderName) -> Bool {
        let bit = Int(name.rawValue)
        return bit < 64 ? low & (1 << UInt64(bit)) != 0 : high & (1 << UInt64(bit - 64)) != 0
    }

    public mutating func insert(_ name: SIPHeaderName) {
        let bit = Int(name.rawValue)
        if bit < 64 { low |= 1 << UInt64(bit) } else { high |= 1 << UInt64(bit - 64) }
    }
}
