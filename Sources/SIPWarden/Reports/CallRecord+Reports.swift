public import Storage

/// How the reports classify a call record: which records are calls, and under which provider
/// and account a call is counted.
extension CallRecord {
    /// The caller kinds of calls. A record of kind `unidentified` is an INVITE refused from
    /// an unknown party: it belongs to the security report (as an unidentified attempt), not
    /// to the call figures.
    public static let reportedCallerKinds: Set<String> = ["device", "provider", "guest"]

    /// Counted as a call attempt by the calls and cost reports.
    public var isReportedCall: Bool { Self.reportedCallerKinds.contains(callerKind) }

    /// The provider a call is counted under: for a call out through providers, the provider
    /// it ended on (`destination`, else the last one tried, else `(none)`); for a call in
    /// from a provider, that provider; `(local)` for a call between devices or to a DID's
    /// device from a guest.
    public var reportProvider: String {
        if destinationKind == "provider" { return destination ?? attempts.last?.providerName ?? CallReportNames.none }
        if callerKind == "provider" { return callerName ?? CallReportNames.none }
        return CallReportNames.local
    }

    /// The account a call is counted under: its name today (`names`), `#ID` for an account
    /// removed since, `(none)` for a call without one (from a provider or a guest).
    public func reportAccount(names: [Int64: String]) -> String {
        guard let accountId else { return CallReportNames.none }
        return names[accountId] ?? "#\(accountId)"
    }
}

/// The group names that are no provider's or account's, in parentheses like the other
/// placeholders of the commands' output (`cdr list` shows `(unidentified)`).
public enum CallReportNames {
    public static let none = "(none)"
    public static let local = "(local)"
}
