/// Text from the network made safe to show in a log line or on a terminal: control
/// characters (and the C1 range) become `\xHH`, so a message cannot forge log lines or move
/// an operator's cursor. Attacker-controlled values (User-Agent, display names, URIs,
/// reasons quoting them) go through this wherever they are shown.
public enum SafeText {
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                output += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    public static func escape(_ text: SIPString) -> String { escape(text.string) }
}
