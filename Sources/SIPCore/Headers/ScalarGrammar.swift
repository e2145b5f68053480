import NIOCore

/// The single-value headers whose value is a number, a word or a number and a word.
enum ScalarGrammar {
    /// CSeq = 1*DIGIT LWS Method; the number must fit 32 bits (RFC 4475 §3.1.2.4).
    static func parseCSeq(_ cursor: inout ByteCursor, base: ByteBuffer) throws(SIPParseError) -> SIPCSeq {
        cursor.skipLinearWhitespace()
        let start = cursor.index
        let sequence: UInt64
        switch cursor.scanDecimal(maximum: UInt64(UInt32.max)) {
        case .value(let value, _): sequence = value
        case .overflow: throw SIPParseError(.valueOutOfRange, "CSeq number larger than 2^32-1", at: start)
        case nil: throw SIPParseError(.malformedHeader, "CSeq must start with a sequence number", at: start)
        }
        guard cursor.skipRequiredWhitespace(), let method = cursor.scanToken() else {
            throw SIPParseError(.malformedHeader, "CSeq number must be followed by whitespace and a method", at: cursor.index)
        }
        try HeaderGrammar.expectEnd(&cursor, after: "CSeq method")
        return SIPCSeq(sequence: UInt32(sequence), method: SIPMethod.make(cursor.bytes, method, base: base))
    }

    /// Max-Forwards = 1*DIGIT, 0-255 (RFC 3261 §20.22).
    static func parseMaxForwards(_ cursor: inout ByteCursor) throws(SIPParseError) -> Int {
        cursor.skipLinearWhitespace()
        let start = cursor.index
        switch cursor.scanDecimal(maximum: 255) {
        case .value(let value, _):
            try HeaderGrammar.expectEnd(&cursor, after: "Max-Forwards")
            return Int(value)
        case .overflow: throw SIPParseError(.valueOutOfRange, "Max-Forwards above 255", at: start)
        case nil: throw SIPParseError(.malformedHeader, "Max-Forwards must be a decimal number", at: start)
        }
    }

    /// A header whose whole value is delta-seconds (Expires, Min-Expires, RSeq...).
    static func parseDeltaSeconds(_ cursor: inout ByteCursor, what: String) throws(SIPParseError) -> UInt32 {
        cursor.skipLinearWhitespace()
        let value = try HeaderGrammar.scanDeltaSeconds(&cursor, what: what)
        try HeaderGrammar.expectEnd(&cursor, after: what)
        return value
    }

    /// callid = word [ "@" word ] (RFC 3261 §25.1).
    static func checkCallID(_ cursor: inout ByteCursor) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        let start = cursor.index
        guard !cursor.scan(CharacterClass.word).isEmpty else {
            throw SIPParseError(.malformedHeader, "Call-ID is empty or starts with an invalid character", at: start)
        }
        if cursor.consume(ASCII.at), cursor.scan(CharacterClass.word).isEmpty {
            throw SIPParseError(.malformedHeader, "Call-ID has nothing after '@'", at: cursor.index)
        }
        if let byte = cursor.current {
            throw SIPParseError(.malformedHeader, "\(HostGrammar.describe(byte)) not allowed in Call-ID", at: cursor.index)
        }
    }
}
