/// Values keyed by network, looked up by address: the most specific network containing the
/// address wins. One hash lookup per distinct prefix length present (an IPv4 ban list is
/// mostly /32s, IPv6 offenders /64s: two lookups), so the cost does not grow with the number
/// of entries.
public struct NetworkMap<Value: Sendable>: Sendable {
    private var tables: [Int: [AddressKey: Value]] = [:]
    /// The prefix lengths present, longest first.
    private var lengths: [Int] = []
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public subscript(network: GuardNetwork) -> Value? {
        get { tables[network.length]?[network.key] }
        set {
            let old = tables[network.length]?[network.key]
            if let newValue {
                if tables[network.length] == nil {
                    tables[network.length] = [:]
                    lengths.append(network.length)
                    lengths.sort(by: >)
                }
                tables[network.length]![network.key] = newValue
                if old == nil { count += 1 }
            } else if old != nil {
                tables[network.length]![network.key] = nil
                count -= 1
                if tables[network.length]!.isEmpty {
                    tables[network.length] = nil
                    lengths.removeAll { $0 == network.length }
                }
            }
        }
    }

    /// The most specific entry containing `address`.
    public func lookup(_ address: AddressKey) -> (network: GuardNetwork, value: Value)? {
        for length in lengths {
            let key = address.masked(to: length)
            if let value = tables[length]![key] {
                return (GuardNetwork(key: key, length: length), value)
            }
        }
        return nil
    }

    public func contains(_ address: AddressKey) -> Bool {
        lookup(address) != nil
    }

    /// Every entry, most specific first.
    public var entries: [(network: GuardNetwork, value: Value)] {
        lengths.flatMap { length in
            tables[length]!.map { (GuardNetwork(key: $0.key, length: length), $0.value) }.sorted { $0.network.key < $1.network.key }
        }
    }

    public mutating func removeAll(where shouldRemove: (GuardNetwork, Value) -> Bool) {
        for (network, value) in entries where shouldRemove(network, value) {
            self[network] = nil
        }
    }
}
