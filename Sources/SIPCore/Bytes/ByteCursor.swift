/// A bounds-checked reading position over the bytes of one message.
///
/// The parser walks indices, never pointers: every read goes through `byte(at:)`, which
/// checks the index against the end of the value being parsed, so a parser bug becomes a
/// thrown error or a trap, never an out-of-bounds read (the bug class of C SIP stacks).
/// A cursor never outlives the `withUnsafeReadableBytes` call that produced its bytes.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var index: Int
    /// One past the last byte this cursor may read.
    var end: Int

    init(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count)
        self.bytes = bytes
        self.index = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { index >= end }

    var remaining: Range<Int> { index..<end }

    @inline(__always)
    func byte(at position: Int) -> UInt8 {
        precondition(position >= 0 && position < end, "cursor read out of bounds")
        return bytes[position]
    }

    /// The byte at the cursor, or nil at the end.
    @inline(__always)
    var current: UInt8? { index < end ? bytes[index] : nil }

    /// The byte `offset` positions ahead, or nil past the end.
    @inline(__always)
    func peek(_ offset: Int) -> UInt8? {
        let position = index + offset
        return position < end ? bytes[position] : nil
    }

    @inline(__always)
    mutating func advance(_ count: Int = 1) {
        index = min(index + count, end)
    }

    /// Consumes `byte` if it is next.
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        if index < end && bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }

    /// Skips SP, HTAB and the CRLF of folded lines (the message parser has already checked
    /// that every CRLF inside a header value is followed by whitespace).
    @inline(__always)
    mutating func skipLinearWhitespace() {
        while index < end && bytes[index].isSIPLinearWhitespace { index += 1 }
    }

    /// Skips whitespace and reports whether there was any (LWS as opposed to SWS).
    @inline(__always)
    mutating func skipRequiredWhitespace() -> Bool {
        let start = index
        skipLinearWhitespace()
        return index > start
    }

    /// RFC 3261 §25.1 separators (SEMI, COMMA, EQUAL, SLASH, COLON, ...): SWS byte SWS.
    mutating func consumeSeparator(_ byte: UInt8) -> Bool {
        let start = index
        skipLinearWhitespace()
        if consume(byte) {
            skipLinearWhitespace()
            return true
        }
        index = start
        return false
    }

    /// Consumes bytes of the given character classes; returns the range read (maybe empty).
    @inline(__always)
    mutating func scan(_ flags: UInt16) -> Range<Int> {
        let start = index
        while index < end && CharacterClass.test(bytes[index], flags) { index += 1 }
        return start..<index
    }

    /// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    mutating func scanToken() -> Range<Int>? {
        let range = scan(CharacterClass.token)
        return range.isEmpty ? nil : range
    }

    /// Consumes bytes until one of `stop` (not consumed) or the end.
    mutating func scan(until stop: (UInt8) -> Bool) -> Range<Int> {
        let start = index
        while index < end && !stop(bytes[index]) { index += 1 }
        return start..<index
    }

    /// Reads 1*DIGIT as an unsigned value no larger than `maximum`. Returns nil when there is
    /// no digit; `.overflow` when the digits exceed `maximum` (leading zeros are fine).
    mutating func scanDecimal(maximum: UInt64) -> DecimalScan? {
        let start = index
        var value: UInt64 = 0
        var overflow = false
        while index < end, bytes[index].isSIPDigit {
            let digit = UInt64(bytes[index] &- UInt8(ascii: "0"))
            if !overflow {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(digit)
                if o1 || o2 || sum > maximum { overflow = true } else { value = sum }
            }
            index += 1
        }
        if index == start { return nil }
        return overflow ? .overflow(start..<index) : .value(value, start..<index)
    }

    /// quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE (RFC 3261 §25.1). The cursor
    /// must be at the opening quote. Returns the range including both quotes.
    mutating func scanQuotedString() -> QuotedScan {
        let start = index
        guard consume(ASCII.quote) else { return .malformed(index) }
        while index < end {
            let byte = bytes[index]
            switch byte {
            case ASCII.quote:
                index += 1
                return .ok(start..<index)
            case ASCII.backslash:
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
                guard index + 1 < end else { return .unterminated(start) }
                let escaped = bytes[index + 1]
                if escaped == ASCII.cr || escaped == ASCII.lf || escaped >= 0x80 {
                    return .malformed(index + 1)
                }
                index += 2
            case ASCII.cr, ASCII.lf, ASCII.space, ASCII.tab:
                index += 1  // LWS inside qdtext
            default:
                // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
                if byte < 0x20 || byte == 0x7F { return .malformed(index) }
                index += 1
            }
        }
        return .unterminated(start)
    }

    enum DecimalScan {
        case value(UInt64, Range<Int>)
        case overflow(Range<Int>)
    }

    enum QuotedScan {
        case ok(Range<Int>)
        case unterminated(Int)
        case malformed(Int)
    }
}

enum ByteSearch {
    /// The offset of the first CR or LF in `bytes[start..<end]`, or `end`. Sixteen bytes are
    /// compared at a time: header values are most of a message and contain no line breaks.
    @inline(__always)
    static func firstLineBreak(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        precondition(start >= 0 && end <= bytes.count)
        var index = start
        let cr = SIMD16<UInt8>(repeating: ASCII.cr)
        let lf = SIMD16<UInt8>(repeating: ASCII.lf)
        while index + 16 <= end {
            let chunk = bytes.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            if any((chunk .== cr) .| (chunk .== lf)) { break }
            index += 16
        }
        while index < end {
            let byte = bytes[index]
            if byte == ASCII.cr || byte == ASCII.lf { return index }
            index += 1
        }
        return end
    }
}
