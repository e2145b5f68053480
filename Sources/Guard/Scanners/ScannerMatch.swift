/// Why a message was recognised as coming from a scanner: which rule, and what it saw.
public struct ScannerMatch: Sendable, Hashable, CustomStringConvertible {
    /// The rule's stable identifier (`ScannerRule.rawValue`, e.g. `user-agent`).
    public let rule: String
    /// What matched, as printable text (control bytes escaped) of at most
    /// `ScannerMatch.maximumDetailLength` characters: the detail quotes attacker-controlled
    /// bytes and ends up in logs and on the console.
    public let detail: String

    /// The longest `detail`, in characters.
    public static let maximumDetailLength = 200

    public init(rule: ScannerRule, detail: String) {
        self.rule = rule.rawValue
        self.detail = ScannerText.bounded(detail)
    }

    /// The rule as a value, nil only for an identifier this build does not know.
    public var scannerRule: ScannerRule? { ScannerRule(rawValue: rule) }

    public var description: String { "\(rule): \(detail)" }
}
