import Foundation

extension OptionValue {
    /// A comma-separated list of number prefixes, each normalised as a route prefix (so that
    /// `0044` and `+44` are one rule); an empty list clears. Duplicates are dropped.
    static func prefixes(_ text: String, option: String) throws(ManagementError) -> [String] {
        var result: [String] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let item = item.trimmingCharacters(in: .whitespaces)
            if item.isEmpty { continue }
            let prefix: String
            do throws(ManagementError) {
                prefix = try RouteCommands.normalisedPrefix(item, noun: "number prefix")
            } catch {
                throw .usage("\(option): \(error.description)")
            }
            if !result.contains(prefix) { result.append(prefix) }
        }
        return result
    }
}
