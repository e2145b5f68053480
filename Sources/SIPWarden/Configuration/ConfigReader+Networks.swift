import Configuration
import Guard

extension ConfigReader {
    /// A network-list key (`guard.trusted`, `events.allowed_networks`, …): items of the list,
    /// each possibly comma-separated; the schema has already refused bad networks.
    func networks(forKey key: String) -> [GuardNetwork]? {
        stringArray(forKey: ConfigKey(key)).map { items in
            items.flatMap { $0.split(separator: ",") }.compactMap { try? GuardNetwork(parsing: $0.trimmingCharacters(in: .whitespaces)) }
        }
    }
}
