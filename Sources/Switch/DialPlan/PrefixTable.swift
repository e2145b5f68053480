/// Values keyed by number prefix, looked up by longest match: one dictionary probe per
/// prefix length present (numbers are at most 32 digits), whatever the number of prefixes.
public struct PrefixTable<Value: Sendable>: Sendable {
    private var entries: [String: Value] = [:]
    /// Prefix lengths present, longest first.
    private var lengths: [Int] = []

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        // Built in one pass: thousands of rates must not sort the lengths once per entry.
        for (prefix, value) in pairs { entries[prefix] = value }
        lengths = Set(entries.keys.map(\.count)).sorted(by: >)
    }

    public subscript(prefix: String) -> Value? {
        get { entries[prefix] }
        set {
            entries[prefix] = newValue
            lengths = Set(entries.keys.map(\.count)).sorted(by: >)
        }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The value of the longest prefix of `number`, and that prefix.
    public func longestMatch(_ number: String) -> (prefix: String, value: Value)? {
        for length in lengths where length <= number.count {
            let prefix = String(number.prefix(length))
            if let value = entries[prefix] { return (prefix, value) }
        }
        return nil
    }

    public var prefixes: [String] { entries.keys.sorted() }
}
