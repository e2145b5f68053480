/// How far a figure has gone: past the warning threshold, or past the critical one.
public enum FraudLevel: String, Sendable, Hashable, Comparable, CaseIterable {
    case warning, critical

    public static func < (a: FraudLevel, b: FraudLevel) -> Bool { a == .warning && b == .critical }
}
