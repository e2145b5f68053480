public import SIPCore

/// Recognises SIP scanners and attack tools from a single message.
///
/// Two kinds of rule (`ScannerRule`):
/// - tool fingerprints, which hold whoever sends the message: a known tool's name in the
///   User-Agent, and values sipvicious and sippts hard-code (From, tag, Contact, branch and
///   Call-ID layout, SDP session name). They apply to requests with credentials too:
///   svcrack's guesses carry an Authorization header.
/// - contextual rules, which hold only for a stranger: they run for requests without
///   credentials from a source the caller does not know, and ask the caller whether a user
///   is ours.
///
/// Detection only: the Guard turns a match into a decision, an executor acts on it (house
/// habit 5). Every rule fails open: a header that does not parse makes that rule not match
/// (the parser's own checks reject such messages elsewhere), so a malformed message is never
/// banned for being unreadable here.
public struct ScannerFingerprints: Sendable {
    /// The User-Agent substrings of the `ast-cli-attck` Fail2Ban filter in Kolmisoft's MOR
    /// security guide, matched case-insensitively.
    ///
    /// Kept as the guide has them, with their known costs: `sipv` and `smap` are short enough
    /// to occur inside ordinary product names (any User-Agent containing "SIPv", such as a
    /// "SIPv2" firmware string, matches `sipv`), `CSipSimple` was a real Android softphone,
    /// and `Test Agent` matches whatever calls itself that. Operators who run such clients
    /// replace the list (`userAgentPatterns`) or put the clients' networks on an allow-list,
    /// whose sources the Guard does not run this check for.
    public static let defaultUserAgentPatterns: [String] = [
        "sipcli", "sipvicious", "sip-scan", "sipsak", "sundayddr", "friendly-scanner", "iWar",
        "CSipSimple", "SIVuS", "Gulp", "sipv", "smap", "friendly-request", "VaxIPUserAgent",
        "VaxSIPUserAgent", "siparmyknife", "Test Agent",
    ]

    /// SDP session names that only attack tools send: `svwar` (sipvicious 0.3.8
    /// `svwar.py` `_invite_body`, its INVITE scan) and `SIPPTS` (Pepelux's sippts, the SDP of
    /// its `sipinvite` and flood messages).
    public static let defaultSDPSessionNames: [String] = ["svwar", "SIPPTS"]

    private var userAgents: UserAgentPatternSet
    private var sessionNames: SDPSessionNames
    private var enabledMask: UInt16

    public init(
        userAgentPatterns: [String] = ScannerFingerprints.defaultUserAgentPatterns,
        sdpSessionNames: [String] = ScannerFingerprints.defaultSDPSessionNames,
        enabledRules: Set<ScannerRule> = Set(ScannerRule.allCases)
    ) {
        self.userAgents = UserAgentPatternSet(userAgentPatterns)
        self.sessionNames = SDPSessionNames(sdpSessionNames)
        self.enabledMask = Self.mask(enabledRules)
    }

    /// The User-Agent substrings (empty strings are dropped: they would match everything).
    public var userAgentPatterns: [String] {
        get { userAgents.patterns }
        set { userAgents = UserAgentPatternSet(newValue) }
    }

    /// The SDP session names of `ScannerRule.sdpTool` (empty strings are dropped).
    public var sdpSessionNames: [String] {
        get { sessionNames.names }
        set { sessionNames = SDPSessionNames(newValue) }
    }

    /// The rules that run; all of them by default.
    public var enabledRules: Set<ScannerRule> {
        get { Set(ScannerRule.allCases.filter { isEnabled($0) }) }
        set { enabledMask = Self.mask(newValue) }
    }

    /// The first rule that matches, in `ScannerRule.allCases` order, or nil.
    ///
    /// `inout` because the typed headers it reads (From, Contact, Via, Request-URI) are
    /// parsed once and cached in the message for the stages after the Guard.
    public func match(_ message: inout SIPMessage, context: ScannerContext) -> ScannerMatch? {
        var found: ScannerMatch?
        evaluate(&message, context: context) { match in
            found = match
            return false
        }
        return found
    }

    /// Every rule that matches, in `ScannerRule.allCases` order: for explaining a decision
    /// and for tests; the Guard's hot path uses `match`.
    public func matches(_ message: inout SIPMessage, context: ScannerContext) -> [ScannerMatch] {
        var found: [ScannerMatch] = []
        evaluate(&message, context: context) { match in
            found.append(match)
            return true
        }
        return found
    }

    /// Runs the enabled rules in order, handing each match to `report` until it returns false.
    private func evaluate(_ message: inout SIPMessage, context: ScannerContext, _ report: (ScannerMatch) -> Bool) {
        if isEnabled(.userAgent), let match = userAgentMatch(message), !report(match) { return }
        // The remaining rules read request headers; a response carries the callee's values.
        guard let method = message.method else { return }

        let from = try? message.from()
        if let from {
            if isEnabled(.sipviciousFrom), let match = SipviciousSignatures.fromMatch(from), !report(match) { return }
            if isEnabled(.sipviciousTag), let match = SipviciousSignatures.tagMatch(from), !report(match) { return }
        }
        if isEnabled(.sipviciousContact), let contacts = try? message.contacts(),
            let match = SipviciousSignatures.contactMatch(contacts), !report(match)
        {
            return
        }
        if isEnabled(.sipviciousBranch), let branch = (try? message.topVia())?.branch,
            let callID = try? message.callID(),
            let match = SipviciousSignatures.branchMatch(branch: branch, callID: callID), !report(match)
        {
            return
        }
        if isEnabled(.sdpTool), !sessionNames.isEmpty, let match = sdpMatch(message), !report(match) { return }

        // Contextual rules: strangers without credentials only (RFC 3261 §22.2, §22.3).
        guard isEnabled(.internationalFromUnknown) || isEnabled(.bareIPUnknownUser), !context.isKnownSource,
            !message.headers.contains(.authorization), !message.headers.contains(.proxyAuthorization),
            let from, let requestURI = try? message.requestURI()
        else { return }
        let addresses = ContextualRules.Addresses(method: method, requestURI: requestURI, from: from)
        if isEnabled(.internationalFromUnknown), let match = ContextualRules.internationalMatch(addresses, context: context),
            !report(match)
        {
            return
        }
        if isEnabled(.bareIPUnknownUser), let match = ContextualRules.bareIPMatch(addresses, context: context) {
            _ = report(match)
        }
    }

    // MARK: User-Agent

    /// A request's User-Agent fields (RFC 3261 §20.41); on a response, its Server fields
    /// (§20.35) as well, since that is where a responding tool names itself. Every field of
    /// that name is read, not only the first, so a second User-Agent cannot hide the tool.
    /// Nothing is allocated unless a pattern is found.
    private func userAgentMatch(_ message: SIPMessage) -> ScannerMatch? {
        guard !userAgents.isEmpty else { return nil }
        let isRequest = message.isRequest
        for header in message.headers
        where header.name == .userAgent || (!isRequest && header.name == .server) {
            let found = header.value.buffer.withUnsafeReadableBytes { userAgents.firstMatch(in: $0) }
            if let found {
                let name = header.name == .server ? "Server" : "User-Agent"
                return ScannerMatch(
                    rule: .userAgent,
                    detail: "\(name) \"\(ScannerText.prefix(header.value))\" contains \"\(userAgents.patterns[found])\"")
            }
        }
        return nil
    }

    // MARK: SDP

    private func sdpMatch(_ message: SIPMessage) -> ScannerMatch? {
        let body = message.body
        guard body.readableBytes > 0,
            let found = body.withUnsafeReadableBytes({ sessionNames.match(in: $0) })
        else { return nil }
        return ScannerMatch(rule: .sdpTool, detail: "SDP session name s=\(sessionNames.names[found])")
    }

    // MARK: Rule switches

    @inline(__always)
    private func isEnabled(_ rule: ScannerRule) -> Bool { enabledMask & Self.bit(rule) != 0 }

    private static func mask(_ rules: Set<ScannerRule>) -> UInt16 {
        rules.reduce(0) { $0 | bit($1) }
    }

    private static func bit(_ rule: ScannerRule) -> UInt16 {
        switch rule {
        case .userAgent: return 1 << 0
        case .sipviciousFrom: return 1 << 1
        case .sipviciousTag: return 1 << 2
        case .sipviciousContact: return 1 << 3
        case .sipviciousBranch: return 1 << 4
        case .sdpTool: return 1 << 5
        case .internationalFromUnknown: return 1 << 6
        case .bareIPUnknownUser: return 1 << 7
        }
    }
}
