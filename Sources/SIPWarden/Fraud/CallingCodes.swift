/// The country calling code at the start of an international number (ITU-T E.164 and its
/// list of assigned codes): the destination "country" the fraud monitors compare. Codes
/// are one to three digits and prefix-free, so the code is whichever of the first one, two
/// or three digits is assigned: 1 (North America) and 7 stand alone, the two-digit codes
/// are listed below, and every other start is a three-digit code.
enum CallingCodes {
    static let twoDigit: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66",
        "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ]

    /// `+442071234567` → `44`, `+12125551234` → `1`, `+88213…` → `882`; nil when the number
    /// is not international (no `+`) or too short.
    static func code(of international: String) -> String? {
        guard international.hasPrefix("+") else { return nil }
        let digits = international.dropFirst()
        guard digits.count >= 3, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        let first = String(digits.prefix(1))
        if first == "1" || first == "7" { return first }
        let two = String(digits.prefix(2))
        if twoDigit.contains(two) { return two }
        return String(digits.prefix(3))
    }
}
