import NIOCore

/// Where a URI appears, which decides what it may contain (RFC 3261 §19.1.1 Table 1, §20).
enum URIContext {
    /// The Request-URI: no `?headers` (RFC 3261 §19.1.1, Table 1).
    case requestLine
    /// Inside `<...>` of a name-addr: anything the URI grammar allows.
    case enclosed
    /// A bare addr-spec in From, To, Contact...: it may not contain ',', ';' or '?'
    /// (RFC 3261 §20.10), so any `?headers` means the sender forgot the `<>`.
    case addrSpec
}

/// The URI grammar of RFC 3261 §19.1 and §25.1, RFC 3966 (tel) and RFC 5118 (IPv6).
enum URIParser {
    static func parse(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, base: ByteBuffer, context: URIContext,
        limits: ParserLimits
    ) throws(SIPParseError) -> AnyURI {
        guard range.count <= limits.maxURILength else {
            throw SIPParseError(.uriTooLong, "URI longer than \(limits.maxURILength) bytes", at: range.lowerBound)
        }
        guard !range.isEmpty else { throw SIPParseError(.invalidURI, "empty URI", at: range.lowerBound) }
        var cursor = ByteCursor(bytes, range)
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        guard let first = cursor.current, first.isSIPAlpha else {
            throw SIPParseError(.invalidURI, "URI must start with a scheme, found \(HostGrammar.describe(bytes[range.lowerBound]))", at: range.lowerBound)
        }
        let schemeRange = cursor.scan { byte in
            !(byte.isSIPAlphanumeric || byte == ASCII.plus || byte == ASCII.minus || byte == ASCII.period)
        }
        guard cursor.consume(ASCII.colon) else {
            throw SIPParseError(.invalidURI, "URI scheme not followed by ':'", at: cursor.index)
        }
        let isSecure = HeaderGrammar.nameEquals(bytes, schemeRange, "sips")
        if isSecure || HeaderGrammar.nameEquals(bytes, schemeRange, "sip") {
            return .sip(try parseSIP(&cursor, whole: range, base: base, isSecure: isSecure, context: context))
        }
        if HeaderGrammar.nameEquals(bytes, schemeRange, "tel") {
            return .tel(try parseTel(&cursor, whole: range, base: base))
        }
        try checkOpaque(&cursor)
        return .other(OpaqueURI(base: base, range: range, schemeRange: schemeRange))
    }

    // MARK: - sip: and sips:

    private static func parseSIP(
        _ cursor: inout ByteCursor, whole: Range<Int>, base: ByteBuffer, isSecure: Bool, context: URIContext
    ) throws(SIPParseError) -> SIPURI {
        let bytes = cursor.bytes
        var userRange: Range<Int>?
        var passwordRange: Range<Int>?
        // userinfo = ( user / telephone-subscriber ) [ ":" password ] "@" -- neither part may
        // hold an unescaped '@', so the first '@' ends it.
        if let at = cursor.remaining.first(where: { bytes[$0] == ASCII.at }) {
            let userinfo = cursor.index..<at
            let colon = userinfo.first { bytes[$0] == ASCII.colon }
            let user = userinfo.lowerBound..<(colon ?? at)
            guard !user.isEmpty else {
                throw SIPParseError(.invalidURI, "empty user part before '@'", at: user.lowerBound)
            }
            try checkCharacters(bytes, user, allowed: CharacterClass.unreserved | CharacterClass.userUnreserved, what: "user part")
            userRange = user
            if let colon {
                let password = (colon + 1)..<at
                try checkCharacters(bytes, password, allowed: CharacterClass.unreserved | CharacterClass.passwordExtra, what: "password")
                passwordRange = password
            }
            cursor.index = at + 1
        }
        let hostStart = cursor
        let hostRange: Range<Int>
        let hostKind: SIPHostKind
        var port: Int?
        do throws(SIPParseError) {
            (hostRange, hostKind) = try HostGrammar.scanHost(&cursor)
            if cursor.consume(ASCII.colon) { port = try HostGrammar.scanPort(&cursor) }
        } catch {
            try rejectBareIPv6(hostStart)
            throw error
        }
        let parametersStart = cursor.index
        while cursor.consume(ASCII.semicolon) {
            try scanURIParameter(&cursor)
        }
        let parametersRange = parametersStart..<cursor.index
        var headersRange: Range<Int>?
        if cursor.current == ASCII.question {
            switch context {
            case .requestLine:
                throw SIPParseError(.invalidURI, "a Request-URI may not carry ?headers", at: cursor.index)
            case .addrSpec:
                throw SIPParseError(.invalidURI, "a URI with ?headers must be enclosed in <>", at: cursor.index)
            case .enclosed:
                cursor.advance()
                let start = cursor.index
                repeat {
                    try scanURIHeader(&cursor)
                } while cursor.consume(ASCII.ampersand)
                headersRange = start..<cursor.index
            }
        }
        if let byte = cursor.current {
            throw SIPParseError(.invalidURI, "unexpected \(HostGrammar.describe(byte)) in SIP URI", at: cursor.index)
        }
        return SIPURI(
            base: base, range: whole, isSecure: isSecure, userRange: userRange, passwordRange: passwordRange,
            hostRange: hostRange, hostKind: hostKind, port: port, parametersRange: parametersRange,
            headersRange: headersRange)
    }

    /// RFC 5118 §4.2: an IPv6 address in a URI must be an IPv6 reference. When the host or
    /// port does not parse, say so if that is the likely cause, rather than reporting a bad
    /// port or IPv4 address.
    private static func rejectBareIPv6(_ cursor: ByteCursor) throws(SIPParseError) {
        guard cursor.current != ASCII.openBracket else { return }
        var colons = 0
        for position in cursor.remaining {
            let byte = cursor.bytes[position]
            if byte == ASCII.semicolon || byte == ASCII.question { break }
            if byte == ASCII.colon { colons += 1 }
        }
        if colons >= 2 {
            throw SIPParseError(.invalidURI, "an IPv6 address in a URI must be enclosed in [] (RFC 5118 §4.2)", at: cursor.index)
        }
    }

    /// uri-parameter = pname [ "=" pvalue ]; pname, pvalue = 1*paramchar. Returns the name.
    @discardableResult
    private static func scanURIParameter(_ cursor: inout ByteCursor) throws(SIPParseError) -> Range<Int> {
        let allowed = CharacterClass.unreserved | CharacterClass.paramUnreserved
        let name = try scanEscaped(&cursor, allowed: allowed, what: "URI parameter name")
        guard cursor.consume(ASCII.equals) else { return name }
        let value = try scanEscaped(&cursor, allowed: allowed, what: "URI parameter value")
        try checkKnownURIParameter(cursor.bytes, name: name, value: value)
        return name
    }

    /// header = hname "=" hvalue; hname = 1*( hnv-unreserved / unreserved / escaped );
    /// hvalue = *( hnv-unreserved / unreserved / escaped )
    private static func scanURIHeader(_ cursor: inout ByteCursor) throws(SIPParseError) {
        let allowed = CharacterClass.unreserved | CharacterClass.hnvUnreserved
        _ = try scanEscaped(&cursor, allowed: allowed, what: "URI header name")
        guard cursor.consume(ASCII.equals) else {
            throw SIPParseError(.invalidURI, "URI header without '='", at: cursor.index)
        }
        let start = cursor.index
        while let byte = cursor.current, CharacterClass.test(byte, allowed) || byte == ASCII.percent {
            cursor.advance()
        }
        try checkEscapes(cursor.bytes, start..<cursor.index)
    }

    /// Scans a non-empty run of `allowed` characters and `%HH` escapes.
    private static func scanEscaped(_ cursor: inout ByteCursor, allowed: UInt16, what: String) throws(SIPParseError) -> Range<Int> {
        let start = cursor.index
        var sawPercent = false
        while let byte = cursor.current {
            if byte == ASCII.percent {
                sawPercent = true
            } else if !CharacterClass.test(byte, allowed) {
                break
            }
            cursor.advance()
        }
        let range = start..<cursor.index
        guard !range.isEmpty else {
            let found = cursor.current.map { HostGrammar.describe($0) } ?? "end of URI"
            throw SIPParseError(.invalidURI, "empty \(what) (found \(found))", at: start)
        }
        if sawPercent { try checkEscapes(cursor.bytes, range) }
        return range
    }

    /// The parameters of RFC 3261 §19.1.1 whose values have a grammar of their own.
    private static func checkKnownURIParameter(_ bytes: UnsafeRawBufferPointer, name: Range<Int>, value: Range<Int>) throws(SIPParseError) {
        if HeaderGrammar.nameEquals(bytes, name, "transport") || HeaderGrammar.nameEquals(bytes, name, "user")
            || HeaderGrammar.nameEquals(bytes, name, "method")
        {
            guard value.allSatisfy({ bytes[$0].isSIPToken }) else {
                throw SIPParseError(.invalidURI, "URI parameter value must be a token", at: value.lowerBound)
            }
        } else if HeaderGrammar.nameEquals(bytes, name, "ttl") {
            var digits = ByteCursor(bytes, value)
            guard case .value(_, let range) = digits.scanDecimal(maximum: 255), range.count <= 3, digits.isAtEnd else {
                throw SIPParseError(.invalidURI, "ttl must be 0-255", at: value.lowerBound)
            }
        } else if HeaderGrammar.nameEquals(bytes, name, "maddr") {
            var cursor = ByteCursor(bytes, value)
            _ = try HostGrammar.scanHost(&cursor)
            guard cursor.isAtEnd else {
                throw SIPParseError(.invalidURI, "maddr must be a host", at: cursor.index)
            }
        }
    }

    private static func checkCharacters(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, allowed: UInt16, what: String) throws(SIPParseError) {
        var sawPercent = false
        for position in range {
            let byte = bytes[position]
            if byte == ASCII.percent {
                sawPercent = true
            } else if !CharacterClass.test(byte, allowed) {
                throw SIPParseError(.invalidURI, "\(HostGrammar.describe(byte)) not allowed in \(what)", at: position)
            }
        }
        if sawPercent { try checkEscapes(bytes, range) }
    }

    private static func checkEscapes(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(SIPParseError) {
        if let bad = PercentEncoding.firstInvalidEscape(bytes, range) {
            throw SIPParseError(.invalidURI, "'%' not followed by two hex digits", at: bad)
        }
    }

    // MARK: - tel:

    /// telephone-subscriber (RFC 3966 §3): a global number `+` digits or a local number,
    /// with visual separators, then `;` parameters.
    private static func parseTel(_ cursor: inout ByteCursor, whole: Range<Int>, base: ByteBuffer) throws(SIPParseError) -> TelURI {
        let start = cursor.index
        let isGlobal = cursor.consume(ASCII.plus)
        var significant = 0
        while let byte = cursor.current {
            let isVisual = byte == ASCII.minus || byte == ASCII.period || byte == ASCII.openParen || byte == ASCII.closeParen
            if byte.isSIPDigit || (!isGlobal && (byte.isSIPHex || byte == ASCII.star || byte == UInt8(ascii: "#"))) {
                significant += 1
            } else if !isVisual {
                break
            }
            cursor.advance()
        }
        let numberRange = start..<cursor.index
        guard significant > 0 else {
            throw SIPParseError(.invalidURI, "tel: URI without a number", at: start)
        }
        let parametersStart = cursor.index
        var hasPhoneContext = false
        while cursor.consume(ASCII.semicolon) {
            let name = try scanURIParameter(&cursor)
            if HeaderGrammar.nameEquals(cursor.bytes, name, "phone-context") { hasPhoneContext = true }
        }
        if let byte = cursor.current {
            throw SIPParseError(.invalidURI, "unexpected \(HostGrammar.describe(byte)) in tel: URI", at: cursor.index)
        }
        // RFC 3966 §5.1.5: a local number MUST carry a phone-context.
        guard isGlobal || hasPhoneContext else {
            throw SIPParseError(.invalidURI, "a local tel: number needs a phone-context parameter (RFC 3966 §5.1.5)", at: start)
        }
        return TelURI(base: base, range: whole, numberRange: numberRange, parametersRange: parametersStart..<cursor.index)
    }

    // MARK: - other schemes

    /// absoluteURI = scheme ":" ( hier-part / opaque-part ): kept as written, but only
    /// URI characters (reserved, unreserved, escapes, and '#', '[', ']') are accepted.
    private static func checkOpaque(_ cursor: inout ByteCursor) throws(SIPParseError) {
        guard !cursor.isAtEnd else {
            throw SIPParseError(.invalidURI, "nothing after the URI scheme", at: cursor.index)
        }
        let allowed = CharacterClass.unreserved | CharacterClass.reserved
        let start = cursor.index
        while let byte = cursor.current {
            guard CharacterClass.test(byte, allowed) || byte == ASCII.percent || byte == UInt8(ascii: "#")
                || byte == ASCII.openBracket || byte == ASCII.closeBracket
            else {
                throw SIPParseError(.invalidURI, "\(HostGrammar.describe(byte)) not allowed in a URI", at: cursor.index)
            }
            cursor.advance()
        }
        try checkEscapes(cursor.bytes, start..<cursor.end)
    }
}
