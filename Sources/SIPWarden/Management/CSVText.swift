import Foundation

/// Comma-separated values as RFC 4180 writes them (CRLF line ends, fields with a comma, a
/// quote or a line break quoted, inner quotes doubled), for `--csv` output that spreadsheets
/// open. Many fields are what a peer sent, so a field a spreadsheet would run as a formula
/// gets a leading `'` (OWASP "CSV injection"): one starting with `=`, `@`, a tab or a CR, or
/// with `+` or `-` unless it is a whole number, so that `+442079460000` stays readable.
public enum CSVText {
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    public static func field(_ text: String) -> String {
        let guarded = isFormula(text) ? "'" + text : text
        let needsQuotes = guarded.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return guarded }
        return "\"" + guarded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func isFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        switch first {
        case "=", "@", "\t", "\r": return true
        case "+", "-":
            let rest = text.unicodeScalars.dropFirst()
            return rest.isEmpty || !rest.allSatisfy { ("0"..."9").contains($0) }
        default: return false
        }
    }
}
