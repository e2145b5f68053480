import SIPCore

/// Turning attacker-controlled bytes into a bounded, printable `ScannerMatch.detail`.
enum ScannerText {
    /// At most `ScannerMatch.maximumDetailLength` characters, control characters escaped
    /// (`SafeText`), an ellipsis where something was cut.
    static func bounded(_ text: String) -> String {
        let limit = ScannerMatch.maximumDetailLength
        let escaped = SafeText.escape(text)
        guard escaped.count > limit else { return escaped }
        return String(escaped.prefix(limit - 1)) + "…"
    }

    /// The start of a header value as text: only the first bytes are decoded, so a huge
    /// value costs no more than a short one.
    static func prefix(_ value: SIPString) -> String {
        let limit = ScannerMatch.maximumDetailLength
        let view = value.buffer.readableBytesView
        let text = String(decoding: view.prefix(limit), as: UTF8.self)
        return view.count > limit ? text + "…" : text
    }
}
