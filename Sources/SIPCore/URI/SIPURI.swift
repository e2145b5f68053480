import NIOCore

/// A SIP or SIPS URI (RFC 3261 §19.1): `sip:user:password@host:port;params?headers`.
///
/// Parts are views into the bytes the URI was parsed from; `user` is shown as written
/// (escapes included) and `decodedUser` unescapes it exactly once.
public struct SIPURI: Sendable, CustomStringConvertible {
    let base: ByteBuffer
    let range: ByteSpan
    let userRange: ByteSpan?
    let passwordRange: ByteSpan?
    let hostRange: ByteSpan
    let parametersRange: ByteSpan
    let headersRange: ByteSpan?
    private let storedPort: UInt16?
    /// `sips:` rather than `sip:`.
    public let isSecure: Bool
    public let hostKind: SIPHostKind

    /// The port, when the URI names one.
    public var port: Int? { storedPort.map(Int.init) }

    /// Parses a SIP or SIPS URI from text.
    public init(parsing text: String, limits: ParserLimits = .default) throws(SIPParseError) {
        guard case .sip(let uri) = try AnyURI(parsing: text, limits: limits) else {
            throw SIPParseError(.invalidURI, "not a sip: or sips: URI", at: 0)
        }
        self = uri
    }

    init(
        base: ByteBuffer, range: Range<Int>, isSecure: Bool, userRange: Range<Int>?,
        passwordRange: Range<Int>?, hostRange: Range<Int>, hostKind: SIPHostKind, port: Int?,
        parametersRange: Range<Int>, headersRange: Range<Int>?
    ) {
        self.base = base
        self.range = ByteSpan(range)
        self.isSecure = isSecure
        self.userRange = userRange.map { ByteSpan($0) }
        self.passwordRange = passwordRange.map { ByteSpan($0) }
        self.hostRange = ByteSpan(hostRange)
        self.hostKind = hostKind
        self.storedPort = port.map { UInt16(truncatingIfNeeded: $0) }
        self.parametersRange = ByteSpan(parametersRange)
        self.headersRange = headersRange.map { ByteSpan($0) }
    }

    /// The URI as written.
    public var text: SIPString { base.sipString(range) }

    public var description: String { text.string }

    public var scheme: String { isSecure ? "sips" : "sip" }

    /// The user part as written, escapes included.
    public var user: SIPString? { userRange.map { base.sipString($0) } }

    /// The user part with `%HH` escapes decoded once (it may hold any byte, NUL included).
    public var decodedUser: [UInt8]? {
        userRange.map { span in base.withUnsafeReadableBytes { PercentEncoding.decode($0, span.range) } }
    }

    /// The password part as written (RFC 3261 §19.1.1 discourages it; it is never logged).
    public var password: SIPString? { passwordRange.map { base.sipString($0) } }

    /// The host as written: an IPv6 reference keeps its brackets.
    public var host: SIPString { base.sipString(hostRange) }

    /// The host without IPv6 brackets.
    public var hostAddress: SIPString {
        hostKind == .ipv6 ? base.sipString((hostRange.range.lowerBound + 1)..<(hostRange.range.upperBound - 1)) : host
    }

    /// uri-parameters (`;transport=tcp;lr`).
    public var parameters: SIPParameters { SIPParameters(base: base, range: parametersRange.range) }

    /// The `?name=value&...` headers, which RFC 3261 §19.1.5 allows outside the Request-URI.
    public var headers: SIPParameters {
        SIPParameters(base: base, range: headersRange?.range ?? 0..<0, separator: ASCII.ampersand)
    }

    public var hasHeaders: Bool { headersRange.map { !$0.isEmpty } ?? false }

    /// transport-param, as written (compare ignoring case).
    public var transport: SIPString? { parameters["transport"]?.rawValue }

    /// lr-param: the URI belongs to a loose router (RFC 3261 §16.4, §19.1.1).
    public var isLooseRouter: Bool { parameters.contains("lr") }

    /// maddr-param.
    public var maddr: SIPString? { parameters["maddr"]?.rawValue }

    /// user-param (`user=phone` marks a telephone-subscriber user part).
    public var userParameter: SIPString? { parameters["user"]?.rawValue }
}

/// A TEL URI (RFC 3966): `tel:+1-201-555-0123;ext=1234`.
public struct TelURI: Sendable, CustomStringConvertible {
    let base: ByteBuffer
    let range: Range<Int>
    let numberRange: Range<Int>
    let parametersRange: Range<Int>

    public var text: SIPString { base.sipString(range) }
    public var description: String { text.string }
    /// The number with its visual separators, as written.
    public var number: SIPString { base.sipString(numberRange) }
    /// A global number starts with '+'; a local one needs a phone-context.
    public var isGlobal: Bool { number.hasPrefix("+") }
    public var parameters: SIPParameters { SIPParameters(base: base, range: parametersRange) }
}

/// A URI of any other scheme, kept as written (RFC 3261 §19: absoluteURI).
public struct OpaqueURI: Sendable, CustomStringConvertible {
    let base: ByteBuffer
    let range: Range<Int>
    let schemeRange: Range<Int>

    public var text: SIPString { base.sipString(range) }
    public var description: String { text.string }
    public var scheme: String { base.sipString(schemeRange).string.lowercased() }
}

/// Any URI found in a SIP message: SIP/SIPS, TEL, or another scheme kept opaque.
public enum AnyURI: Sendable, CustomStringConvertible {
    case sip(SIPURI)
    case tel(TelURI)
    case other(OpaqueURI)

    /// Parses a URI from text, as it may appear inside `<>` (`?headers` allowed; use
    /// `SIPMessage.requestURI()` for the stricter Request-URI rules).
    public init(parsing text: String, limits: ParserLimits = .default) throws(SIPParseError) {
        let base = ByteBuffer(string: text)
        self = try base.withUnsafeReadableBytes { bytes throws(SIPParseError) in
            try URIParser.parse(bytes, 0..<bytes.count, base: base, context: .enclosed, limits: limits)
        }
    }

    /// The bytes the URI was parsed from (shared with the message).
    var base: ByteBuffer {
        switch self {
        case .sip(let uri): return uri.base
        case .tel(let uri): return uri.base
        case .other(let uri): return uri.base
        }
    }

    /// The URI as written.
    public var text: SIPString {
        switch self {
        case .sip(let uri): return uri.text
        case .tel(let uri): return uri.text
        case .other(let uri): return uri.text
        }
    }

    /// The scheme in lower case.
    public var scheme: String {
        switch self {
        case .sip(let uri): return uri.scheme
        case .tel: return "tel"
        case .other(let uri): return uri.scheme
        }
    }

    public var description: String { text.string }

    /// The SIP URI, if this is one.
    public var sipURI: SIPURI? {
        if case .sip(let uri) = self { return uri }
        return nil
    }
}
