import Foundation

/// Durations as operators write them in configuration and on the command line: a whole
/// number with a unit (`30s`, `10m`, `2h`, `7d`, `1w`), or a bare number of seconds.
public enum DurationText {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "\"\(text)\" is not a duration (a whole number with s, m, h, d or w, such as 30s, 10m, 2h, 7d; at most a century)"
        }
    }

    /// The longest duration accepted: about a century, in seconds.
    public static let longest = 3_155_760_000

    /// Seconds in `text`; throws for anything else, zero and negative amounts included.
    public static func seconds(_ text: String) throws(ParseError) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last, trimmed.utf8.count <= 12 else { throw ParseError(text: text) }
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        let unit = units[last] ?? 1
        let digits = units[last] == nil ? Substring(trimmed) : trimmed.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits), value > 0 else {
            throw ParseError(text: text)
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: unit)
        // A century at most: longer is what "permanent" says.
        guard !overflow, product <= longest else { throw ParseError(text: text) }
        return product
    }

    /// The shortest exact text of a number of seconds (`600` → `10m`).
    public static func text(seconds: Int) -> String {
        for (unit, suffix) in [(604_800, "w"), (86_400, "d"), (3_600, "h"), (60, "m")] where seconds >= unit && seconds % unit == 0 {
            return "\(seconds / unit)\(suffix)"
        }
        return "\(seconds)s"
    }
}
