/// The latest numbers, countries and source addresses of a scope's calls, each once and
/// most recent first, a few of each: the context an alert carries.
struct RecentCalls: Sendable, Equatable {
    private(set) var numbers: [String] = []
    private(set) var countries: [String] = []
    private(set) var sourceIPs: [String] = []

    mutating func note(_ call: FraudCall, keep: Int) {
        if let number = call.number { Self.put(number, in: &numbers, keep: keep) }
        if let country = call.country { Self.put(country, in: &countries, keep: keep) }
        if let sourceIP = call.sourceIP { Self.put(sourceIP, in: &sourceIPs, keep: keep) }
    }

    private static func put(_ value: String, in list: inout [String], keep: Int) {
        if let index = list.firstIndex(of: value) { list.remove(at: index) }
        list.insert(value, at: 0)
        if list.count > keep { list.removeLast(list.count - keep) }
    }
}
