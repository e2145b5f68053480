import NIOCore

/// media-type = m-type SLASH m-subtype *(SEMI m-parameter) (RFC 3261 §20.15).
public struct SIPMediaType: Sendable, CustomStringConvertible {
    let base: ByteBuffer
    let range: Range<Int>
    let typeRange: Range<Int>
    let subtypeRange: Range<Int>
    let parametersRange: Range<Int>

    public var text: SIPString { base.sipString(range) }
    public var description: String { text.string }
    /// `application` in `application/sdp`.
    public var type: SIPString { base.sipString(typeRange) }
    /// `sdp` in `application/sdp`.
    public var subtype: SIPString { base.sipString(subtypeRange) }
    public var parameters: SIPParameters { SIPParameters(base: base, range: parametersRange) }

    /// Whether this is `type/subtype` (case-insensitive, RFC 3261 §7.3.1).
    public func matches(_ type: String, _ subtype: String) -> Bool {
        self.type.equalsIgnoringCase(type) && self.subtype.equalsIgnoringCase(subtype)
    }
}

enum MediaTypeGrammar {
    /// One media-type (or media-range when `allowWildcards`, for Accept).
    static func parse(_ cursor: inout ByteCursor, base: ByteBuffer, allowWildcards: Bool = false) throws(SIPParseError) -> SIPMediaType {
        cursor.skipLinearWhitespace()
        let start = cursor.index
        guard let type = cursor.scanToken() else {
            throw SIPParseError(.malformedHeader, "expected a media type", at: cursor.index)
        }
        guard cursor.consumeSeparator(ASCII.slash), let subtype = cursor.scanToken() else {
            throw SIPParseError(.malformedHeader, "media type must be type/subtype", at: cursor.index)
        }
        // The token class includes '*', so `*/*` and `text/*` scan as tokens; outside Accept
        // a wildcard is not a media type.
        let typeIsStar = type.count == 1 && cursor.bytes[type.lowerBound] == ASCII.star
        let subtypeIsStar = subtype.count == 1 && cursor.bytes[subtype.lowerBound] == ASCII.star
        if !allowWildcards, typeIsStar || subtypeIsStar {
            throw SIPParseError(.malformedHeader, "wildcard media type outside Accept", at: type.lowerBound)
        }
        // media-range = "*/*" / (m-type SLASH "*") / (m-type SLASH m-subtype)
        if typeIsStar && !subtypeIsStar {
            throw SIPParseError(.malformedHeader, "a '*' media type needs a '*' subtype", at: type.lowerBound)
        }
        let parametersStart = cursor.index
        try HeaderGrammar.parseParameters(&cursor) { name, value throws(SIPParseError) in
            // m-parameter = m-attribute EQUAL m-value
            if value == nil {
                throw SIPParseError(.malformedHeader, "media type parameter needs a value", at: name.lowerBound)
            }
        }
        return SIPMediaType(
            base: base, range: start..<cursor.index, typeRange: type, subtypeRange: subtype,
            parametersRange: parametersStart..<cursor.index)
    }
}
