/// Text made safe for XML and HTML, in element content and in attribute values alike.
public enum XMLText {
    /// `&`, `<`, `>`, `"` and `'` as entity references (XML 1.0 §2.4 and §3.3.3): the same
    /// string may go between tags or into an attribute quoted either way, and `&apos;` and
    /// `&quot;` are predefined in XML and known to HTML5 parsers. Control characters other
    /// than tab, line feed and carriage return are not allowed in XML 1.0 (§2.2, `Char`)
    /// and no reference can stand for them, so they become a space rather than make the
    /// document ill-formed.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
