/// A number as dialled, and its international form when it has one. Phones dial `0044…`,
/// `+44…`, `011 44…` or national numbers with spaces and dashes; prefix rules (routes, deny
/// lists, an account's allowed destinations) are written in one form, `+` and the country
/// code, so that `00` and `+` cannot be used to slip past a rule written for the other.
public struct DialledNumber: Sendable, Hashable, CustomStringConvertible {
    /// The digits as dialled, separators removed (`+` kept when it leads).
    public let digits: String
    /// `+` and the digits after the international access code, when the number was dialled
    /// internationally; nil for a national or local number.
    public let international: String?

    public enum ParseError: Error, Equatable {
        /// Nothing dialable: empty, letters, or `+` in the middle.
        case notANumber
        /// Longer than E.164 allows, with room for tech prefixes (32 digits).
        case tooLong
    }

    /// Separators phones and people put in numbers.
    public static let separators: Set<Character> = [" ", "-", ".", "(", ")"]
    static let maximumDigits = 32

    /// - Parameter accessCodes: the international access codes of the switch's country, the
    ///   longest first (`011` before `0`); the default is `00`, most of the world's.
    public init(parsing text: String, accessCodes: [String] = ["00"]) throws(ParseError) {
        var cleaned = ""
        for (index, character) in text.enumerated() {
            if Self.separators.contains(character) { continue }
            if character == "+" && index == 0 {
                cleaned.append(character)
                continue
            }
            // `*` and `#` are dialable (feature codes); nothing else is.
            guard character.isASCII, character.isNumber || character == "*" || character == "#" else { throw .notANumber }
            cleaned.append(character)
        }
        let digitCount = cleaned.filter { $0 != "+" }.count
        guard digitCount > 0 else { throw .notANumber }
        guard digitCount <= Self.maximumDigits else { throw .tooLong }
        digits = cleaned
        if cleaned.hasPrefix("+") {
            international = cleaned
        } else if let code = accessCodes.sorted(by: { $0.count > $1.count }).first(where: { !$0.isEmpty && cleaned.hasPrefix($0) && cleaned.count > $0.count }) {
            international = "+" + cleaned.dropFirst(code.count)
        } else {
            international = nil
        }
    }

    /// The form prefix rules are matched against: the international form when there is one.
    public var ruleForm: String { international ?? digits }

    public var description: String { digits }
}
