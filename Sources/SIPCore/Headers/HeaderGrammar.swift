/// Grammar pieces shared by the header parsers (RFC 3261 §25.1).
enum HeaderGrammar {
    /// Parses `element *(COMMA element)`; an empty element (`a,,b`, a trailing comma) is an
    /// error (RFC 4475 §3.1.2.1).
    static func forEachListElement(
        _ cursor: inout ByteCursor, what: String,
        _ element: (inout ByteCursor) throws(SIPParseError) -> Void
    ) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        while true {
            guard let byte = cursor.current, byte != ASCII.comma else {
                throw SIPParseError(.malformedHeader, "empty \(what) in list", at: cursor.index)
            }
            try element(&cursor)
            cursor.skipLinearWhitespace()
            guard let next = cursor.current else { return }
            guard next == ASCII.comma else {
                throw SIPParseError(.malformedHeader, "unexpected \(HostGrammar.describe(next)) after \(what)", at: cursor.index)
            }
            cursor.advance()
            cursor.skipLinearWhitespace()
        }
    }

    /// Whether the value is exactly `*` (Contact's STAR, RFC 3261 §20.10). `*Bob <sip:...>` is
    /// a display name: '*' is a token character.
    static func isWildcard(_ cursor: ByteCursor) -> Bool {
        var probe = cursor
        probe.skipLinearWhitespace()
        guard probe.consume(ASCII.star) else { return false }
        probe.skipLinearWhitespace()
        return probe.isAtEnd
    }

    /// A host inside a header value (Via sent-by, maddr, warn-agent): the host grammar's
    /// errors reported as a malformed header rather than a bad URI.
    static func scanHost(_ cursor: inout ByteCursor) throws(SIPParseError) -> (Range<Int>, SIPHostKind) {
        do throws(SIPParseError) {
            return try HostGrammar.scanHost(&cursor)
        } catch {
            var error = error
            error.code = .malformedHeader
            throw error
        }
    }

    static func scanPort(_ cursor: inout ByteCursor) throws(SIPParseError) -> Int {
        do throws(SIPParseError) {
            return try HostGrammar.scanPort(&cursor)
        } catch {
            var error = error
            error.code = .malformedHeader
            throw error
        }
    }

    /// Requires that only whitespace remains.
    static func expectEnd(_ cursor: inout ByteCursor, after what: String) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        if let byte = cursor.current {
            throw SIPParseError(.malformedHeader, "unexpected \(HostGrammar.describe(byte)) after \(what)", at: cursor.index)
        }
    }

    /// `*( SEMI generic-param )` with generic-param = token [ EQUAL gen-value ] and
    /// gen-value = token / host / quoted-string. Calls `handle` with each name and value.
    /// Stops before anything that is not a ';' (a ',' ending a list element, the end).
    static func parseParameters(
        _ cursor: inout ByteCursor,
        _ handle: (Range<Int>, Range<Int>?) throws(SIPParseError) -> Void
    ) throws(SIPParseError) {
        while true {
            let before = cursor.index
            guard cursor.consumeSeparator(ASCII.semicolon) else {
                cursor.index = before
                return
            }
            guard let name = cursor.scanToken() else {
                let found = cursor.current.map { HostGrammar.describe($0) } ?? "end of value"
                throw SIPParseError(.malformedHeader, "expected a parameter name after ';', found \(found)", at: cursor.index)
            }
            let afterName = cursor.index
            if cursor.consumeSeparator(ASCII.equals) {
                try handle(name, try scanGenericValue(&cursor))
            } else {
                cursor.index = afterName
                try handle(name, nil)
            }
        }
    }

    /// gen-value = token / host / quoted-string. A bare IPv6 address is accepted too, as
    /// RFC 5118 §4.5 asks for `received=2001:db8::9:255`.
    static func scanGenericValue(_ cursor: inout ByteCursor) throws(SIPParseError) -> Range<Int> {
        let start = cursor.index
        switch cursor.current {
        case ASCII.quote:
            return try scanQuoted(&cursor)
        case ASCII.openBracket:
            let (range, _) = try scanHost(&cursor)
            return range
        default:
            var sawColon = false
            while let byte = cursor.current, byte.isSIPToken || byte == ASCII.colon {
                if byte == ASCII.colon { sawColon = true }
                cursor.advance()
            }
            let range = start..<cursor.index
            guard !range.isEmpty else {
                let found = cursor.current.map { HostGrammar.describe($0) } ?? "end of value"
                throw SIPParseError(.malformedHeader, "expected a parameter value after '=', found \(found)", at: start)
            }
            if sawColon, !HostGrammar.isIPv6(cursor.bytes, range) {
                throw SIPParseError(.malformedHeader, "':' inside a parameter value", at: start)
            }
            return range
        }
    }

    /// A quoted-string at the cursor, quotes included.
    static func scanQuoted(_ cursor: inout ByteCursor) throws(SIPParseError) -> Range<Int> {
        switch cursor.scanQuotedString() {
        case .ok(let range): return range
        case .unterminated(let at):
            throw SIPParseError(.malformedHeader, "quoted string not terminated", at: at)
        case .malformed(let at):
            throw SIPParseError(.malformedHeader, "\(HostGrammar.describe(cursor.bytes[at])) not allowed in a quoted string", at: at)
        }
    }

    /// delta-seconds = 1*DIGIT, at most 2^32-1 (RFC 3261 §20.19; RFC 4475 §3.1.2.4).
    static func scanDeltaSeconds(_ cursor: inout ByteCursor, what: String) throws(SIPParseError) -> UInt32 {
        let start = cursor.index
        switch cursor.scanDecimal(maximum: UInt64(UInt32.max)) {
        case .value(let value, _): return UInt32(value)
        case .overflow: throw SIPParseError(.valueOutOfRange, "\(what) larger than 2^32-1", at: start)
        case nil: throw SIPParseError(.malformedHeader, "\(what) must be a decimal number", at: start)
        }
    }

    /// Lower-cased ASCII of a short range, for matching parameter names.
    static func lowercasedName(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: range.prefix(32).map { bytes[$0].asciiLowercased }, as: UTF8.self)
    }

    /// Case-insensitive match of `bytes[range]` against a lower-case ASCII literal, without
    /// building a String. Eight bytes are compared at a time: setting bit 5 lower-cases a
    /// letter and leaves '-' and digits unchanged, and no other byte becomes a lower-case
    /// letter or '-' that way, so for names made of those the comparison is exact.
    @inline(__always)
    static func nameEquals(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard count == range.count else { return false }
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count)
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
        let start = range.lowerBound
        // Whole words, then one last word overlapping the previous one: no byte loop.
        @inline(__always) func word<T: FixedWidthInteger>(_: T.Type, at offset: Int, mask: T) -> Bool {
            bytes.loadUnaligned(fromByteOffset: start + offset, as: T.self) | mask
                == expected.loadUnaligned(fromByteOffset: offset, as: T.self)
        }
        switch count {
        case 0:
            return true
        case 1:
            return bytes[start] | 0x20 == expected[0]
        case 2...3:
            return word(UInt16.self, at: 0, mask: 0x2020) && word(UInt16.self, at: count - 2, mask: 0x2020)
        case 4...7:
            return word(UInt32.self, at: 0, mask: 0x2020_2020) && word(UInt32.self, at: count - 4, mask: 0x2020_2020)
        default:
            var offset = 0
            while offset + 8 <= count {
                if !word(UInt64.self, at: offset, mask: 0x2020_2020_2020_2020) { return false }
                offset += 8
            }
            return offset == count || word(UInt64.self, at: count - 8, mask: 0x2020_2020_2020_2020)
        }
    }
}
