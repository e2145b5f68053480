/// escaped = "%" HEXDIG HEXDIG (RFC 3261 §25.1). Values are unescaped exactly once:
/// `value%25%34%31` decodes to `value%41`, never to `valueA` (RFC 4475 §3.1.1.3).
enum PercentEncoding {
    /// Checks that every '%' in `range` starts a valid escape; returns the offset of the
    /// first bad one.
    static func firstInvalidEscape(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var position = range.lowerBound
        while position < range.upperBound {
            if bytes[position] == ASCII.percent {
                guard position + 2 < range.upperBound,
                    bytes[position + 1].isSIPHex, bytes[position + 2].isSIPHex
                else { return position }
                position += 3
            } else {
                position += 1
            }
        }
        return nil
    }

    /// The bytes of `range` with each escape replaced by the byte it stands for.
    static func decode(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = bytes[position]
            if byte == ASCII.percent, position + 2 < range.upperBound,
                let high = bytes[position + 1].hexValue, let low = bytes[position + 2].hexValue
            {
                output.append(high << 4 | low)
                position += 3
            } else {
                output.append(byte)
                position += 1
            }
        }
        return output
    }
}
