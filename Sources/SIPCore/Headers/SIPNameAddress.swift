import NIOCore

/// An address with an optional display name and parameters: the value of From, To, Contact,
/// Route, Record-Route, Reply-To, Refer-To... (RFC 3261 §20.10 name-addr / addr-spec).
public struct SIPNameAddress: Sendable, CustomStringConvertible {
    /// The address itself.
    public let uri: AnyURI
    let range: ByteSpan
    let displayNameRange: ByteSpan?
    let parametersRange: ByteSpan
    let tagRange: ByteSpan?
    /// Whether the URI was enclosed in `<>` (name-addr) rather than a bare addr-spec.
    public let isBracketed: Bool

    init(
        range: Range<Int>, displayNameRange: Range<Int>?, uri: AnyURI, isBracketed: Bool,
        parametersRange: Range<Int>, tagRange: Range<Int>?
    ) {
        self.uri = uri
        self.range = ByteSpan(range)
        self.displayNameRange = displayNameRange.map { ByteSpan($0) }
        self.parametersRange = ByteSpan(parametersRange)
        self.tagRange = tagRange.map { ByteSpan($0) }
        self.isBracketed = isBracketed
    }

    /// The message bytes the value lies in (the URI shares them).
    var base: ByteBuffer { uri.base }

    /// The whole value as written.
    public var text: SIPString { base.sipString(range) }

    public var description: String { text.string }

    /// The display name as written: quotes and escapes kept, or the run of tokens.
    public var rawDisplayName: SIPString? { displayNameRange.map { base.sipString($0) } }

    /// The display name without quotes, quoted-pairs unescaped. Attacker-controlled text:
    /// escape it wherever it is shown.
    public var displayName: String? {
        guard let raw = rawDisplayName else { return nil }
        return SIPParameter(name: "", rawValue: raw).value
    }

    /// The header parameters after the address (`;tag=...;expires=...`).
    public var parameters: SIPParameters { SIPParameters(base: base, range: parametersRange.range) }

    /// The tag parameter of From and To (RFC 3261 §19.3).
    public var tag: SIPString? { tagRange.map { base.sipString($0) } }
}

enum NameAddressGrammar {
    /// Reads `[display-name] <URI>` or a bare addr-spec at the cursor, stopping before the
    /// header parameters. Returns the parts for the caller to complete.
    static func parseAddress(
        _ cursor: inout ByteCursor, base: ByteBuffer, limits: ParserLimits, requireBrackets: Bool
    ) throws(SIPParseError) -> (displayName: Range<Int>?, uri: AnyURI, bracketed: Bool) {
        cursor.skipLinearWhitespace()
        let start = cursor.index
        var displayName: Range<Int>?
        switch cursor.current {
        case ASCII.quote:
            displayName = try HeaderGrammar.scanQuoted(&cursor)
            cursor.skipLinearWhitespace()
            guard cursor.current == ASCII.lessThan else {
                throw SIPParseError(.malformedHeader, "quoted display name not followed by '<'", at: cursor.index)
            }
        case ASCII.lessThan:
            break
        case nil:
            throw SIPParseError(.malformedHeader, "missing address", at: start)
        default:
            guard cursor.scanToken() != nil else {
                throw SIPParseError(.malformedHeader, "expected an address, found \(HostGrammar.describe(cursor.bytes[start]))", at: start)
            }
            if cursor.current == ASCII.colon {
                // scheme ":" -- a bare addr-spec (RFC 3261 §20.10)
                cursor.index = start
                guard !requireBrackets else {
                    throw SIPParseError(.malformedHeader, "address must be enclosed in <>", at: start)
                }
                let uriRange = cursor.scan { byte in
                    byte == ASCII.semicolon || byte == ASCII.comma || byte.isSIPLinearWhitespace
                }
                let uri = try URIParser.parse(cursor.bytes, uriRange, base: base, context: .addrSpec, limits: limits)
                return (nil, uri, false)
            }
            // display-name = *(token LWS): tokens up to '<'. RFC 4475 §3.1.1.6 asks us to
            // accept a token directly followed by '<'.
            var lastTokenEnd = cursor.index
            while true {
                cursor.skipLinearWhitespace()
                if cursor.current == ASCII.lessThan { break }
                guard let byte = cursor.current else {
                    throw SIPParseError(.malformedHeader, "display name not followed by <address>", at: cursor.index)
                }
                guard let token = cursor.scanToken() else {
                    throw SIPParseError(.malformedHeader, "\(HostGrammar.describe(byte)) in an unquoted display name (quote it)", at: cursor.index)
                }
                lastTokenEnd = token.upperBound
            }
            displayName = start..<lastTokenEnd
        }
        // LAQUOT addr-spec RAQUOT: no whitespace inside the brackets (RFC 4475 §3.1.2.14).
        cursor.advance()  // '<'
        let uriStart = cursor.index
        while let byte = cursor.current, byte != ASCII.greaterThan {
            if byte.isSIPLinearWhitespace {
                throw SIPParseError(.malformedHeader, "whitespace inside <>", at: cursor.index)
            }
            cursor.advance()
        }
        guard cursor.current == ASCII.greaterThan else {
            throw SIPParseError(.malformedHeader, "'<' without a closing '>'", at: uriStart - 1)
        }
        let uri = try URIParser.parse(cursor.bytes, uriStart..<cursor.index, base: base, context: .enclosed, limits: limits)
        cursor.advance()  // '>'
        return (displayName, uri, true)
    }

    /// from-spec / to-spec = ( name-addr / addr-spec ) *( SEMI params ), with the tag
    /// parameter picked out (RFC 3261 §20.20, §20.39).
    static func parseFromTo(
        _ cursor: inout ByteCursor, base: ByteBuffer, limits: ParserLimits
    ) throws(SIPParseError) -> SIPNameAddress {
        cursor.skipLinearWhitespace()
        let start = cursor.index
        let address = try parseAddress(&cursor, base: base, limits: limits, requireBrackets: false)
        let parametersStart = cursor.index
        var tag: Range<Int>?
        let bytes = cursor.bytes
        try HeaderGrammar.parseParameters(&cursor) { name, value throws(SIPParseError) in
            guard HeaderGrammar.nameEquals(bytes, name, "tag") else { return }
            guard tag == nil else { throw SIPParseError(.malformedHeader, "tag parameter appears twice", at: name.lowerBound) }
            guard let value, value.allSatisfy({ bytes[$0].isSIPToken }) else {
                throw SIPParseError(.malformedHeader, "tag must be a token", at: name.lowerBound)
            }
            tag = value
        }
        let result = SIPNameAddress(
            range: start..<cursor.index, displayNameRange: address.displayName, uri: address.uri,
            isBracketed: address.bracketed, parametersRange: parametersStart..<cursor.index, tagRange: tag)
        try HeaderGrammar.expectEnd(&cursor, after: "address")
        return result
    }

    /// A name-addr or addr-spec with generic parameters, as one list element
    /// (Route, Record-Route, Path, Reply-To...).
    static func parseElement(
        _ cursor: inout ByteCursor, base: ByteBuffer, limits: ParserLimits, requireBrackets: Bool
    ) throws(SIPParseError) -> SIPNameAddress {
        cursor.skipLinearWhitespace()
        let start = cursor.index
        let address = try parseAddress(&cursor, base: base, limits: limits, requireBrackets: requireBrackets)
        let parametersStart = cursor.index
        try HeaderGrammar.parseParameters(&cursor) { _, _ throws(SIPParseError) in }
        return SIPNameAddress(
            range: start..<cursor.index, displayNameRange: address.displayName, uri: address.uri,
            isBracketed: address.bracketed, parametersRange: parametersStart..<cursor.index, tagRange: nil)
    }
}
