/// What the caller knows about a request that the message itself cannot say: whether its
/// source is one we know (a registered device's address, a provider, an allow-listed network)
/// and whether a user part is one of ours (a device, an extension or a DID).
///
/// Only the contextual rules (`ScannerRule.isContextual`) ask; they run only for requests
/// without credentials from a source that is not known, so `isLocalUser` is called on that
/// cold path alone and may look things up.
public struct ScannerContext {
    /// True for a source we know: the contextual rules are then skipped.
    public var isKnownSource: Bool
    /// Whether a user part (percent-decoded; a TEL URI's number as written) is ours.
    public var isLocalUser: (String) -> Bool

    public init(isKnownSource: Bool, isLocalUser: @escaping (String) -> Bool) {
        self.isKnownSource = isKnownSource
        self.isLocalUser = isLocalUser
    }

    /// A source that is not known and a switch with no users: every contextual rule applies.
    public static var unknownSource: ScannerContext {
        ScannerContext(isKnownSource: false, isLocalUser: { _ in false })
    }

    /// A known source: only the tool fingerprints apply.
    public static var knownSource: ScannerContext {
        ScannerContext(isKnownSource: true, isLocalUser: { _ in false })
    }
}
