/// Text for a terminal. Values a peer sent (a User-Agent, a Contact) are attacker-controlled:
/// printed as they are, control characters could move the cursor, rewrite earlier lines or
/// reorder text (bidirectional overrides). They are shown as `\u{…}` escapes instead, and a
/// backslash as `\\`, so that an escape can always be told from the text.
public enum PrintableText {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                result += "\\\\"
            } else if isPrintable(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    /// Letters, marks, numbers, punctuation, symbols and the plain space. Every other
    /// category (controls, format characters such as U+202E, separators other than the space,
    /// private use, unassigned) is escaped.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
