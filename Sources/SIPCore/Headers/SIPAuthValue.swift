import NIOCore

/// The value of Authorization, Proxy-Authorization, WWW-Authenticate or
/// Proxy-Authenticate: a scheme and its comma-separated parameters (RFC 3261 §25.1
/// credentials / challenge; RFC 7616 §3.3-3.4; RFC 8760).
///
/// Every parameter value is attacker-controlled text: never log `response`, and escape the
/// others wherever they are shown.
public struct SIPAuthValue: Sendable, CustomStringConvertible {
    let base: ByteBuffer
    let range: Range<Int>
    let schemeRange: Range<Int>
    let parametersRange: Range<Int>

    public var text: SIPString { base.sipString(range) }
    /// The value with the digest response hidden, for logs.
    public var description: String {
        let shown = parameters.map { parameter in
            parameter.name.equalsIgnoringCase("response") ? "response=<hidden>" : parameter.description
        }
        return "\(scheme) \(shown.joined(separator: ", "))"
    }
    /// `Digest`, or another scheme as written.
    public var scheme: SIPString { base.sipString(schemeRange) }
    public var isDigest: Bool { scheme.equalsIgnoringCase("Digest") }
    /// All parameters in order.
    public var parameters: SIPParameters { SIPParameters(base: base, range: parametersRange, separator: ASCII.comma) }

    /// A parameter's value, unquoted.
    public func value(_ name: String) -> String? { parameters[name]?.value }

    public var username: String? { value("username") }
    public var realm: String? { value("realm") }
    public var nonce: String? { value("nonce") }
    public var opaque: String? { value("opaque") }
    /// digest-uri: the URI the client hashed, which may differ in form from the Request-URI.
    public var uri: String? { value("uri") }
    public var response: String? { value("response") }
    public var algorithm: String? { value("algorithm") }
    public var cnonce: String? { value("cnonce") }
    /// message-qop of credentials, or the quoted qop-options list of a challenge.
    public var qop: String? { value("qop") }
    /// nonce-count: 8LHEX.
    public var nonceCount: String? { value("nc") }
    /// The stale flag of a challenge (RFC 3261 §25.1: "true" / "false", case-insensitive).
    public var isStale: Bool { value("stale")?.lowercased() == "true" }

    /// The parameters of digest credentials read in one pass (RFC 7616 §3.4), for a server
    /// that needs all of them: each accessor above walks the list from its start.
    public var digestFields: DigestFields {
        var fields = DigestFields()
        for parameter in parameters {
            let name = parameter.name
            if name.equalsIgnoringCase("username") { fields.username = parameter.value }
            else if name.equalsIgnoringCase("realm") { fields.realm = parameter.value }
            else if name.equalsIgnoringCase("nonce") { fields.nonce = parameter.value }
            else if name.equalsIgnoringCase("uri") { fields.uri = parameter.value }
            else if name.equalsIgnoringCase("response") { fields.response = parameter.value }
            else if name.equalsIgnoringCase("algorithm") { fields.algorithm = parameter.value }
            else if name.equalsIgnoringCase("cnonce") { fields.cnonce = parameter.value }
            else if name.equalsIgnoringCase("qop") { fields.qop = parameter.value }
            else if name.equalsIgnoringCase("nc") { fields.nonceCount = parameter.value }
        }
        return fields
    }
}

/// Digest credentials' parameters, unquoted (see `SIPAuthValue.digestFields`).
public struct DigestFields: Sendable, Equatable {
    public var username: String?
    public var realm: String?
    public var nonce: String?
    public var uri: String?
    public var response: String?
    public var algorithm: String?
    public var cnonce: String?
    public var qop: String?
    public var nonceCount: String?

    public init() {}
}

enum AuthGrammar {
    /// credentials = ("Digest" LWS digest-response) / other-response
    /// challenge   = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
    /// Both are a scheme, whitespace and `auth-param *(COMMA auth-param)` with
    /// auth-param = auth-param-name EQUAL ( token / quoted-string ). Each parameter may
    /// appear once (RFC 7616 §3.4: a repeated parameter makes the value invalid).
    static func parse(_ cursor: inout ByteCursor, base: ByteBuffer) throws(SIPParseError) -> SIPAuthValue {
        let bytes = cursor.bytes
        cursor.skipLinearWhitespace()
        let start = cursor.index
        guard let scheme = cursor.scanToken() else {
            throw SIPParseError(.malformedHeader, "expected an authentication scheme", at: cursor.index)
        }
        guard cursor.skipRequiredWhitespace() else {
            throw SIPParseError(.malformedHeader, "authentication scheme must be followed by whitespace and parameters", at: cursor.index)
        }
        let parametersStart = cursor.index
        // credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ] (RFC 7235 §2.1), as
        // `Authorization: Bearer <token>` (RFC 8898 §3) uses. Digest always has parameters.
        if !GrammarCompare.equalIgnoringCase(bytes, scheme, "Digest"), let token68End = scanToken68(cursor) {
            cursor.index = token68End
            return SIPAuthValue(base: base, range: start..<cursor.index, schemeRange: scheme, parametersRange: cursor.index..<cursor.index)
        }
        // Repeats are found with a bit per well-known name; only unusual names need a list.
        var seenKnown: UInt32 = 0
        var seenOther: [Range<Int>] = []
        try HeaderGrammar.forEachListElement(&cursor, what: "authentication parameter") { cursor throws(SIPParseError) in
            guard let name = cursor.scanToken() else {
                throw SIPParseError(.malformedHeader, "expected an authentication parameter name", at: cursor.index)
            }
            var repeated = false
            if let bit = knownParameterBit(bytes, name) {
                repeated = seenKnown & bit != 0
                seenKnown |= bit
            } else {
                repeated = seenOther.contains { GrammarCompare.equalIgnoringCase(bytes, $0, name) }
                seenOther.append(name)
            }
            if repeated {
                throw SIPParseError(.malformedHeader, "authentication parameter \(base.sipString(name)) appears twice", at: name.lowerBound)
            }
            guard cursor.consumeSeparator(ASCII.equals) else {
                throw SIPParseError(.malformedHeader, "authentication parameter \(base.sipString(name)) needs '=' and a value", at: cursor.index)
            }
            if cursor.current == ASCII.quote {
                _ = try HeaderGrammar.scanQuoted(&cursor)
            } else {
                // token; base64-style values (token68, RFC 7235) end with '=' padding.
                guard cursor.scanToken() != nil else {
                    throw SIPParseError(.malformedHeader, "authentication parameter value must be a token or a quoted string", at: cursor.index)
                }
                while cursor.consume(ASCII.equals) {}
            }
        }
        return SIPAuthValue(base: base, range: start..<cursor.index, schemeRange: scheme, parametersRange: parametersStart..<cursor.index)
    }
}

extension AuthGrammar {
    private static let knownParameters: [StaticString] = [
        "username", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc",
        "stale", "domain", "userhash", "charset",
    ]

    /// A bit for each parameter of RFC 7616 §3.3-3.4, nil for any other name.
    static func knownParameterBit(_ bytes: UnsafeRawBufferPointer, _ name: Range<Int>) -> UInt32? {
        for (index, known) in knownParameters.enumerated() where GrammarCompare.equalIgnoringCase(bytes, name, known) {
            return 1 << UInt32(index)
        }
        return nil
    }

    /// token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", when it is the
    /// whole rest of the value; returns where it ends, or nil for a parameter list.
    static func scanToken68(_ cursor: ByteCursor) -> Int? {
        var probe = cursor
        let start = probe.index
        while let byte = probe.current,
            byte.isSIPAlphanumeric || byte == ASCII.minus || byte == ASCII.period || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~") || byte == ASCII.plus || byte == ASCII.slash
        {
            probe.advance()
        }
        guard probe.index > start else { return nil }
        while probe.consume(ASCII.equals) {}
        let end = probe.index
        probe.skipLinearWhitespace()
        return probe.isAtEnd ? end : nil
    }
}

enum GrammarCompare {
    static func equalIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == range.count else { return false }
        for offset in 0..<range.count where bytes[range.lowerBound + offset].asciiLowercased != literal.utf8Start[offset].asciiLowercased {
            return false
        }
        return true
    }

    static func equalIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        for offset in 0..<a.count where bytes[a.lowerBound + offset].asciiLowercased != bytes[b.lowerBound + offset].asciiLowercased {
            return false
        }
        return true
    }
}

extension SIPAuthValue {
    /// Parses one challenge or credentials value from text (a header value as received,
    /// unfolded), with the grammar the message accessors use: a client reading a challenge
    /// it kept as text needs no message around it.
    public init(parsing text: String) throws(SIPParseError) {
        let base = ByteBuffer(string: text)
        self = try base.withUnsafeReadableBytes { bytes throws(SIPParseError) in
            var cursor = ByteCursor(bytes, 0..<bytes.count)
            let value = try AuthGrammar.parse(&cursor, base: base)
            try HeaderGrammar.expectEnd(&cursor, after: "authentication parameters")
            return value
        }
    }
}
