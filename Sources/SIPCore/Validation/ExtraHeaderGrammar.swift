/// Grammars of the less common headers, checked by `validate()` only.
enum ExtraHeaderGrammar {
    /// Retry-After = delta-seconds [ comment ] *( SEMI retry-param ) (RFC 3261 §20.33)
    static func checkRetryAfter(_ cursor: inout ByteCursor) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        _ = try HeaderGrammar.scanDeltaSeconds(&cursor, what: "Retry-After")
        cursor.skipLinearWhitespace()
        if cursor.current == ASCII.openParen { try scanComment(&cursor) }
        try HeaderGrammar.parseParameters(&cursor) { _, _ throws(SIPParseError) in }
        try HeaderGrammar.expectEnd(&cursor, after: "Retry-After")
    }

    /// Authentication-Info = ainfo *(COMMA ainfo), each `name = value` (RFC 3261 §20.6)
    static func checkAuthenticationInfo(_ cursor: inout ByteCursor) throws(SIPParseError) {
        try HeaderGrammar.forEachListElement(&cursor, what: "Authentication-Info parameter") { cursor throws(SIPParseError) in
            guard cursor.scanToken() != nil, cursor.consumeSeparator(ASCII.equals) else {
                throw SIPParseError(.malformedHeader, "expected name=value", at: cursor.index)
            }
            if cursor.current == ASCII.quote {
                _ = try HeaderGrammar.scanQuoted(&cursor)
            } else if cursor.scanToken() == nil {
                throw SIPParseError(.malformedHeader, "expected a token or quoted string", at: cursor.index)
            }
        }
    }

    private static let weekdays: [StaticString] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Date = rfc1123-date = wkday "," SP date1 SP time SP "GMT" (RFC 3261 §20.17: only GMT).
    static func checkDate(_ cursor: inout ByteCursor) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        let start = cursor.index
        func fail(_ detail: String) -> SIPParseError {
            SIPParseError(.malformedHeader, detail + " (expected e.g. \"Sat, 13 Nov 2010 23:29:00 GMT\")", at: cursor.index)
        }
        func word(_ options: [StaticString]) -> Bool {
            for option in options where matches(&cursor, option) { return true }
            return false
        }
        func digits(_ count: Int) -> Bool {
            for _ in 0..<count {
                guard let byte = cursor.current, byte.isSIPDigit else { return false }
                cursor.advance()
            }
            return true
        }
        guard word(weekdays), cursor.consume(ASCII.comma), cursor.consume(ASCII.space) else { throw fail("malformed weekday") }
        guard digits(2), cursor.consume(ASCII.space), word(months), cursor.consume(ASCII.space), digits(4), cursor.consume(ASCII.space) else {
            throw fail("malformed date")
        }
        guard digits(2), cursor.consume(ASCII.colon), digits(2), cursor.consume(ASCII.colon), digits(2), cursor.consume(ASCII.space) else {
            throw fail("malformed time")
        }
        guard matches(&cursor, "GMT") else { throw fail("time zone must be GMT") }
        _ = start
        try HeaderGrammar.expectEnd(&cursor, after: "date")
    }

    private static func matches(_ cursor: inout ByteCursor, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard cursor.index + count <= cursor.end else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where cursor.byte(at: cursor.index + offset) != pointer[offset] {
            return false
        }
        cursor.advance(count)
        return true
    }

    /// MIME-Version = 1*DIGIT "." 1*DIGIT
    static func checkMIMEVersion(_ cursor: inout ByteCursor) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        guard cursor.scanDecimal(maximum: .max) != nil, cursor.consume(ASCII.period), cursor.scanDecimal(maximum: .max) != nil else {
            throw SIPParseError(.malformedHeader, "MIME-Version must be digits.digits", at: cursor.index)
        }
        try HeaderGrammar.expectEnd(&cursor, after: "MIME-Version")
    }

    /// Timestamp = 1*(DIGIT) [ "." *(DIGIT) ] [ LWS delay ]; delay = *(DIGIT) [ "." *(DIGIT) ]
    static func checkTimestamp(_ cursor: inout ByteCursor) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        guard !cursor.scan(CharacterClass.digit).isEmpty else {
            throw SIPParseError(.malformedHeader, "Timestamp must start with digits", at: cursor.index)
        }
        if cursor.consume(ASCII.period) { _ = cursor.scan(CharacterClass.digit) }
        if cursor.skipRequiredWhitespace() {
            _ = cursor.scan(CharacterClass.digit)
            if cursor.consume(ASCII.period) { _ = cursor.scan(CharacterClass.digit) }
        }
        try HeaderGrammar.expectEnd(&cursor, after: "Timestamp")
    }

    /// RAck = response-num LWS CSeq-num LWS Method (RFC 3262 §7.2)
    static func checkRAck(_ cursor: inout ByteCursor) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        _ = try HeaderGrammar.scanDeltaSeconds(&cursor, what: "RAck response number")
        guard cursor.skipRequiredWhitespace() else {
            throw SIPParseError(.malformedHeader, "RAck needs response number, CSeq number and method", at: cursor.index)
        }
        _ = try HeaderGrammar.scanDeltaSeconds(&cursor, what: "RAck CSeq number")
        guard cursor.skipRequiredWhitespace(), cursor.scanToken() != nil else {
            throw SIPParseError(.malformedHeader, "RAck needs response number, CSeq number and method", at: cursor.index)
        }
        try HeaderGrammar.expectEnd(&cursor, after: "RAck")
    }

    /// warning-value = warn-code SP warn-agent SP warn-text; warn-code = 3DIGIT
    static func checkWarningValue(_ cursor: inout ByteCursor) throws(SIPParseError) {
        let start = cursor.index
        guard case .value(_, let code) = cursor.scanDecimal(maximum: 999), code.count == 3 else {
            throw SIPParseError(.malformedHeader, "warn-code must be three digits", at: start)
        }
        guard cursor.consume(ASCII.space) else {
            throw SIPParseError(.malformedHeader, "warn-code must be followed by a space", at: cursor.index)
        }
        // warn-agent = hostport / pseudonym
        if cursor.scanToken() == nil {
            _ = try HeaderGrammar.scanHost(&cursor)
        }
        if cursor.consume(ASCII.colon) { _ = try HeaderGrammar.scanPort(&cursor) }
        guard cursor.consume(ASCII.space), cursor.current == ASCII.quote else {
            throw SIPParseError(.malformedHeader, "warn-agent must be followed by a space and a quoted warn-text", at: cursor.index)
        }
        _ = try HeaderGrammar.scanQuoted(&cursor)
    }

    /// server-val *(LWS server-val); server-val = product / comment;
    /// product = token [SLASH product-version] (RFC 3261 §20.35, §20.41)
    static func checkServerValues(_ cursor: inout ByteCursor) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        guard !cursor.isAtEnd else {
            throw SIPParseError(.malformedHeader, "empty product list", at: cursor.index)
        }
        while !cursor.isAtEnd {
            if cursor.current == ASCII.openParen {
                try scanComment(&cursor)
            } else {
                guard cursor.scanToken() != nil else {
                    throw SIPParseError(.malformedHeader, "\(HostGrammar.describe(cursor.byte(at: cursor.index))) in a product list", at: cursor.index)
                }
                if cursor.consumeSeparator(ASCII.slash) {
                    guard cursor.scanToken() != nil else {
                        throw SIPParseError(.malformedHeader, "missing product version after '/'", at: cursor.index)
                    }
                }
            }
            cursor.skipLinearWhitespace()
        }
    }

    /// comment = LPAREN *(ctext / quoted-pair / comment) RPAREN, nesting bounded.
    static func scanComment(_ cursor: inout ByteCursor) throws(SIPParseError) {
        let start = cursor.index
        var depth = 0
        while let byte = cursor.current {
            switch byte {
            case ASCII.openParen:
                depth += 1
                guard depth <= 16 else { throw SIPParseError(.malformedHeader, "comments nested too deeply", at: cursor.index) }
            case ASCII.closeParen:
                depth -= 1
                if depth == 0 {
                    cursor.advance()
                    return
                }
            case ASCII.backslash:
                cursor.advance()
                guard let escaped = cursor.current, escaped != ASCII.cr, escaped != ASCII.lf else {
                    throw SIPParseError(.malformedHeader, "bad quoted-pair in comment", at: cursor.index)
                }
            default:
                if byte == 0x7F || (byte < 0x20 && !byte.isSIPLinearWhitespace) {
                    throw SIPParseError(.malformedHeader, "\(HostGrammar.describe(byte)) in a comment", at: cursor.index)
                }
            }
            cursor.advance()
        }
        throw SIPParseError(.malformedHeader, "comment not closed", at: start)
    }

    /// Privacy = priv-value *(";" priv-value) (RFC 3323 §4.2)
    static func checkPrivacy(_ cursor: inout ByteCursor) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        repeat {
            cursor.skipLinearWhitespace()
            guard cursor.scanToken() != nil else {
                throw SIPParseError(.malformedHeader, "expected a privacy value", at: cursor.index)
            }
            cursor.skipLinearWhitespace()
        } while cursor.consume(ASCII.semicolon)
        try HeaderGrammar.expectEnd(&cursor, after: "privacy values")
    }
}
