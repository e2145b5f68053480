/// What kind of host a URI or Via names.
public enum SIPHostKind: Sendable, Hashable {
    case domainName
    case ipv4
    /// An IPv6 reference; `host` keeps its brackets where the message had them.
    case ipv6
}

/// host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1, RFC 5118).
enum HostGrammar {
    static let maximumHostnameLength = 255

    /// Reads a host at the cursor: `[...]` or a run of alphanumerics, '-' and '.'.
    static func scanHost(_ cursor: inout ByteCursor) throws(SIPParseError) -> (Range<Int>, SIPHostKind) {
        let start = cursor.index
        if cursor.current == ASCII.openBracket {
            while let byte = cursor.current, byte != ASCII.closeBracket { cursor.advance() }
            guard cursor.consume(ASCII.closeBracket) else {
                throw SIPParseError(.invalidURI, "IPv6 reference without closing ']'", at: start)
            }
            let range = start..<cursor.index
            try validateIPv6(cursor.bytes, (range.lowerBound + 1)..<(range.upperBound - 1), at: start)
            return (range, .ipv6)
        }
        // One pass: the common host name is accepted as it is scanned; anything unusual
        // (digits only, a '-' at a label edge, an empty label) is judged by classifyHostname.
        let bytes = cursor.bytes
        var index = start
        var simple = true  // labels start and end with a letter or digit, the last starts with a letter
        var labelStart = start
        var lastLabelStartsWithLetter = false
        while index < cursor.end {
            let byte = bytes[index]
            if byte == ASCII.period {
                if index == labelStart || bytes[index - 1] == ASCII.minus { simple = false }
                labelStart = index + 1
            } else if byte == ASCII.minus {
                if index == labelStart { simple = false }
            } else if byte.isSIPAlphanumeric {
                if index == labelStart { lastLabelStartsWithLetter = byte.isSIPAlpha }
            } else {
                break
            }
            index += 1
        }
        let range = start..<index
        cursor.index = index
        guard !range.isEmpty else {
            let found = cursor.current.map { describe($0) } ?? "end of value"
            throw SIPParseError(.invalidURI, "expected a host, found \(found)", at: start)
        }
        let endsCleanly = labelStart < index && bytes[index - 1] != ASCII.minus
        if simple, endsCleanly, lastLabelStartsWithLetter, range.count <= maximumHostnameLength {
            return (range, .domainName)
        }
        return (range, try classifyHostname(bytes, range))
    }

    /// Checks a host name or dotted IPv4 address and says which it is.
    static func classifyHostname(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(SIPParseError) -> SIPHostKind {
        guard range.count <= maximumHostnameLength else {
            throw SIPParseError(.invalidURI, "host name longer than \(maximumHostnameLength) characters", at: range.lowerBound)
        }
        var end = range.upperBound
        if bytes[end - 1] == ASCII.period { end -= 1 }  // hostname = *( domainlabel "." ) toplabel [ "." ]
        var allNumeric = true
        var labelStart = range.lowerBound
        var lastLabelStart = range.lowerBound
        var position = range.lowerBound
        while position <= end {
            if position == end || bytes[position] == ASCII.period {
                guard position > labelStart else {
                    throw SIPParseError(.invalidURI, "empty label in host name", at: position)
                }
                if bytes[labelStart] == ASCII.minus || bytes[position - 1] == ASCII.minus {
                    throw SIPParseError(.invalidURI, "host name label starts or ends with '-'", at: labelStart)
                }
                lastLabelStart = labelStart
                labelStart = position + 1
            } else if !bytes[position].isSIPDigit {
                allNumeric = false
            }
            position += 1
        }
        if allNumeric {
            guard end == range.upperBound, isIPv4(bytes, range) else {
                throw SIPParseError(.invalidURI, "invalid IPv4 address", at: range.lowerBound)
            }
            return .ipv4
        }
        // toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum
        guard bytes[lastLabelStart].isSIPAlpha else {
            throw SIPParseError(.invalidURI, "host name must end with a label that starts with a letter", at: lastLabelStart)
        }
        return .domainName
    }

    /// IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255.
    static func isIPv4(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var octets = 0
        var value = 0
        var digits = 0
        for position in range {
            let byte = bytes[position]
            if byte.isSIPDigit {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                if digits > 3 || value > 255 { return false }
            } else if byte == ASCII.period {
                guard digits > 0 else { return false }
                octets += 1
                value = 0
                digits = 0
            } else {
                return false
            }
        }
        return digits > 0 && octets == 3
    }

    /// IPv6address (RFC 4291 text form) inside a reference, tolerating the three-colon form
    /// that RFC 3261's ABNF admits (RFC 5118 §4.10).
    static func validateIPv6(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, at offset: Int) throws(SIPParseError) {
        guard isIPv6(bytes, range) else {
            throw SIPParseError(.invalidURI, "invalid IPv6 address", at: offset)
        }
    }

    static func isIPv6(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count >= 2, range.count <= 45 else { return false }
        var groups = 0  // 16-bit groups written out (an IPv4 tail counts as two)
        var pieces = 0
        var emptyRunStart = -1  // index of the first empty piece of the single allowed run
        var emptyRunLength = 0
        var hasIPv4Tail = false
        var pieceStart = range.lowerBound
        for position in range.lowerBound...range.upperBound {
            guard position == range.upperBound || bytes[position] == ASCII.colon else { continue }
            let piece = pieceStart..<position
            if piece.isEmpty {
                if emptyRunLength > 0 && emptyRunStart + emptyRunLength == pieces {
                    emptyRunLength += 1
                } else if emptyRunLength == 0 {
                    emptyRunStart = pieces
                    emptyRunLength = 1
                } else {
                    return false  // a second "::"
                }
            } else if piece.count <= 4, piece.allSatisfy({ bytes[$0].isSIPHex }) {
                groups += 1
            } else if position == range.upperBound, isIPv4(bytes, piece) {
                groups += 2
                hasIPv4Tail = true
            } else {
                return false
            }
            pieces += 1
            pieceStart = position + 1
        }
        guard pieces >= 3 else { return false }
        if emptyRunLength == 0 { return groups == 8 }
        let atStart = emptyRunStart == 0
        let atEnd = emptyRunStart + emptyRunLength == pieces
        let shapeIsValid: Bool
        switch (atStart, atEnd) {
        case (true, true): shapeIsValid = pieces == 3  // "::"
        case (true, false), (false, true): shapeIsValid = emptyRunLength == 2  // "::x", "x::"
        case (false, false):
            // "x::y"; RFC 5118 §4.10 tolerates "x:::IPv4" from RFC 3261's ABNF.
            shapeIsValid = emptyRunLength == 1 || (emptyRunLength == 2 && hasIPv4Tail)
        }
        return shapeIsValid && groups <= 7
    }

    /// port = 1*DIGIT, at most 65535.
    static func scanPort(_ cursor: inout ByteCursor) throws(SIPParseError) -> Int {
        let start = cursor.index
        switch cursor.scanDecimal(maximum: 65_535) {
        case .value(let value, _): return Int(value)
        case .overflow: throw SIPParseError(.invalidURI, "port number above 65535", at: start)
        case nil: throw SIPParseError(.invalidURI, "expected a port number after ':'", at: start)
        }
    }

    /// A byte shown in an error message: printable ASCII quoted, anything else in hex.
    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
