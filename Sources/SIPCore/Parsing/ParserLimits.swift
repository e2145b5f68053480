/// Size and count limits applied while parsing; input over a limit is refused with an
/// explicit error before any expensive work.
///
/// The defaults admit every well-formed message of RFC 4475 and RFC 5118 and every real
/// phone seen in practice, and keep a hostile message's cost bounded.
public struct ParserLimits: Sendable, Hashable {
    /// Whole message (start line, headers, body). 65,535 is the largest UDP payload.
    public var maxMessageSize: Int
    /// Header fields, folded lines counting once.
    public var maxHeaderCount: Int
    /// One header field (name, colon, value and its folded lines), and the start line.
    public var maxHeaderLength: Int
    /// Via values, across all Via fields. A request cannot legitimately cross more proxies
    /// than its initial Max-Forwards of 70 allows (RFC 3261 §8.1.1.6).
    public var maxViaCount: Int
    /// Any URI, in the Request-URI or in a header.
    public var maxURILength: Int
    /// Message body.
    public var maxBodySize: Int

    public init(
        maxMessageSize: Int = 65_535,
        maxHeaderCount: Int = 128,
        maxHeaderLength: Int = 8_192,
        maxViaCount: Int = 70,
        maxURILength: Int = 1_024,
        maxBodySize: Int = 32_768
    ) {
        self.maxMessageSize = maxMessageSize
        self.maxHeaderCount = maxHeaderCount
        self.maxHeaderLength = maxHeaderLength
        self.maxViaCount = maxViaCount
        self.maxURILength = maxURILength
        self.maxBodySize = maxBodySize
    }

    public static let `default` = ParserLimits()

    /// Problems with the limits themselves (every limit must be positive, and the parts
    /// must fit in the whole); empty when the limits are usable.
    public var problems: [String] {
        var problems: [String] = []
        let named: [(String, Int)] = [
            ("maxMessageSize", maxMessageSize), ("maxHeaderCount", maxHeaderCount),
            ("maxHeaderLength", maxHeaderLength), ("maxViaCount", maxViaCount),
            ("maxURILength", maxURILength), ("maxBodySize", maxBodySize),
        ]
        for (name, value) in named where value <= 0 {
            problems.append("\(name) must be positive, got \(value)")
        }
        if maxMessageSize > Int(UInt32.max) {
            problems.append("maxMessageSize must be at most \(UInt32.max), got \(maxMessageSize)")
        }
        if maxHeaderLength > maxMessageSize {
            problems.append("maxHeaderLength (\(maxHeaderLength)) exceeds maxMessageSize (\(maxMessageSize))")
        }
        if maxURILength > maxHeaderLength {
            problems.append("maxURILength (\(maxURILength)) exceeds maxHeaderLength (\(maxHeaderLength))")
        }
        return problems
    }
}
