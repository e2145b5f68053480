import Foundation
import Guard

/// The blocklist file: one IP or CIDR per line; `#` starts a comment; blank lines ignored.
/// Re-read when its size or modification time changes.
struct BlocklistFile {
    let path: String

    struct Contents {
        var networks: [GuardNetwork] = []
        /// Lines that are not a network: line number and text (reported, not fatal).
        var rejected: [(line: Int, text: String)] = []
    }

    /// Size and modification time, to notice a change cheaply.
    func signature() -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size)-\(modified)"
    }

    func read() -> Contents? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return Self.parse(String(decoding: data, as: UTF8.self))
    }

    static func parse(_ text: String) -> Contents {
        var contents = Contents()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            if let network = try? GuardNetwork(parsing: trimmed) {
                contents.networks.append(network)
            } else {
                contents.rejected.append((index + 1, String(trimmed.prefix(100))))
            }
        }
        return contents
    }
}
