/// Free text in header values and reason phrases: TEXT-UTF8char / UTF8-CONT / LWS
/// (RFC 3261 §25.1). Control characters other than HTAB, and invalid UTF-8, are refused.
enum TextGrammar {
    /// The offset of the first byte that is not allowed in free text, or nil.
    static func firstInvalidTextByte(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = bytes[position]
            if byte < 0x80 {
                // CR and LF inside a value are folding, which the head parser already checked.
                if byte == 0x7F || (byte < 0x20 && byte != ASCII.tab && byte != ASCII.cr && byte != ASCII.lf) {
                    return position
                }
                position += 1
                continue
            }
            guard let length = utf8SequenceLength(bytes, position, range.upperBound) else { return position }
            position += length
        }
        return nil
    }

    /// Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP / HTAB)
    /// (RFC 3261 §25.1): the offset of the first byte outside it, or nil.
    static func firstInvalidReasonPhraseByte(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        let allowed = CharacterClass.reserved | CharacterClass.unreserved | CharacterClass.whitespace
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = bytes[position]
            if byte >= 0x80 {
                guard let length = utf8SequenceLength(bytes, position, range.upperBound) else { return position }
                position += length
            } else if byte == ASCII.percent {
                guard position + 2 < range.upperBound, bytes[position + 1].isSIPHex, bytes[position + 2].isSIPHex else {
                    return position
                }
                position += 3
            } else if CharacterClass.test(byte, allowed) {
                position += 1
            } else {
                return position
            }
        }
        return nil
    }

    /// The length of the valid UTF-8 sequence starting at `position`, or nil (RFC 3629 §4:
    /// no overlong forms, no surrogates, nothing above U+10FFFF).
    static func utf8SequenceLength(_ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int) -> Int? {
        let lead = bytes[position]
        let length: Int
        var lowerBound: UInt8 = 0x80
        var upperBound: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upperBound = 0x9F
        case 0xF0: length = 4; lowerBound = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upperBound = 0x8F
        default: return nil
        }
        guard position + length <= end else { return nil }
        let second = bytes[position + 1]
        guard second >= lowerBound && second <= upperBound else { return nil }
        for offset in 2..<max(2, length) where bytes[position + offset] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }
}
