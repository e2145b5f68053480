/// Where numbers with a prefix go: one or more providers, tried in priority order, each with
/// its own number rewriting.
public struct OutboundRoute: Sendable, Equatable {
    public var prefix: String
    public var targets: [RouteTarget]

    public init(prefix: String, targets: [RouteTarget]) {
        self.prefix = prefix
        self.targets = targets.sorted { ($0.priority, $0.providerId) < ($1.priority, $1.providerId) }
    }
}

/// One provider of a route and how the number is written for it: from the number's
/// international form (`+4420…`), `strip` leading characters are removed, then `add` and
/// the provider's tech prefix are put in front (`strip: 1, add: "00"` sends `004420…`).
public struct RouteTarget: Sendable, Equatable {
    public var providerId: Int64
    /// Lower first.
    public var priority: Int
    public var strip: Int
    public var add: String
    public var techPrefix: String

    public init(providerId: Int64, priority: Int = 0, strip: Int = 0, add: String = "", techPrefix: String = "") {
        self.providerId = providerId
        self.priority = priority
        self.strip = max(0, strip)
        self.add = add
        self.techPrefix = techPrefix
    }

    /// The number as this provider is to receive it.
    public func rewrite(_ number: DialledNumber) -> String {
        techPrefix + add + String(number.ruleForm.dropFirst(strip))
    }

    /// Whether a call refused by this provider with `status` goes on to the next one: on
    /// 408 and server failures (5xx) and on no answer at all (nil), never on a client
    /// error (4xx: the number is wrong or refused) or a global failure (6xx: the callee
    /// declined everywhere, RFC 3261 §21.6).
    public static func failsOver(status: Int?) -> Bool {
        guard let status else { return true }
        return status == 408 || (500...599).contains(status)
    }
}
