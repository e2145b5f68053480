/// The scanner rules, by stable identifier: the identifier goes into security events, logs,
/// configuration (`enabledRules`) and reports, so it never changes once shipped.
///
/// `allCases` is the order the rules are tried in: the cheap byte checks first, the rules
/// that call back into the registrar (through `ScannerContext`) last.
public enum ScannerRule: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The User-Agent (or, on a response, the Server) contains a known tool's name.
    case userAgent = "user-agent"
    /// sipvicious' From: display name `"sipvicious"` or svmap's default `sip:100@1.1.1.1`.
    case sipviciousFrom = "sipvicious-from"
    /// sipvicious' From tag: `svhelper.createTag` encoding, or svcrack's fixed first tag.
    case sipviciousTag = "sipvicious-tag"
    /// sipvicious' default Contact `sip:123@1.1.1.1` (`svhelper.makeRequest`).
    case sipviciousContact = "sipvicious-contact"
    /// sipvicious' Via branch `z9hG4bK-<decimal>` together with an all-decimal Call-ID.
    case sipviciousBranch = "sipvicious-branch"
    /// An SDP session name (`s=`) that only attack tools write (`svwar`, `SIPPTS`).
    case sdpTool = "sdp-tool"
    /// An INVITE without credentials, from an unknown source, to an international-looking
    /// number that is not ours, from a user that is not ours ("John Doe <4000>").
    case internationalFromUnknown = "international-from-unknown"
    /// A request without credentials, from an unknown source, to `user@<IP literal>` where
    /// neither that user nor the From user is ours.
    case bareIPUnknownUser = "bare-ip-unknown-user"

    public var description: String { rawValue }

    /// Whether the rule asks the caller's `ScannerContext` (and so only runs on requests
    /// without credentials from sources that are not known).
    public var isContextual: Bool {
        self == .internationalFromUnknown || self == .bareIPUnknownUser
    }
}
