/// Amounts of money as the operator writes them (`12.50`, `-3`, `0.000001`) and as the
/// database keeps them: millionths of the currency unit in an Int64. Parsed digit by digit,
/// never through floating point, so `0.1` is exactly 100000 micros.
public enum MoneyAmount {
    /// Decimal places kept: one millionth.
    public static let decimalPlaces = 6

    /// The micros of `text`: optional `-` (when `allowNegative`), digits, optionally `.` and
    /// one to six digits.
    public static func micros(parsing text: String, allowNegative: Bool) throws(InputProblem) -> Int64 {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative {
            guard allowNegative else { throw InputProblem("\"\(text)\" is negative; expected 0 or more") }
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit),
              parts.count == 1 || !fraction.isEmpty
        else {
            throw InputProblem("\"\(text)\" is not an amount; expected digits with an optional decimal point, like 12.50")
        }
        guard fraction.count <= decimalPlaces else {
            throw InputProblem("\"\(text)\" has \(fraction.count) decimal places; at most \(decimalPlaces) are kept")
        }
        var value: Int64 = 0
        for digit in whole + fraction + String(repeating: "0", count: decimalPlaces - fraction.count) {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (added, overflowB) = shifted.addingReportingOverflow(Int64((digit.asciiValue ?? 0x30) - 0x30))
            guard !overflowA, !overflowB else { throw InputProblem("\"\(text)\" is too large") }
            value = added
        }
        return negative ? -value : value
    }

    /// `micros` as a decimal: at least two decimal places, up to six when needed (`12.50`,
    /// `0.000001`, `-3.00`).
    public static func format(micros: Int64) -> String {
        let magnitude = micros.magnitude
        let unit = UInt64(1_000_000)
        var fraction = String(magnitude % unit)
        fraction = String(repeating: "0", count: decimalPlaces - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return (micros < 0 ? "-" : "") + String(magnitude / unit) + "." + fraction
    }
}

extension Character {
    /// 0-9 only: `isNumber` also accepts other scripts' digits and fractions, and a range
    /// of characters would accept a digit with a combining mark.
    var isASCIIDigit: Bool { asciiValue.map { (0x30...0x39).contains($0) } ?? false }
}
