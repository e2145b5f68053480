/// A report figure rounded to a fixed number of decimals (a rate, a duration in minutes),
/// computed from integer sums and kept as a count of its smallest unit: `10.00` minutes is
/// 1000 hundredths, written exactly, never a binary fraction's `9.999999`.
public struct ReportDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The value in units of 10^-places: 505 with 1 place is 50.5.
    public let units: Int64
    public let places: Int

    public init(units: Int64, places: Int) {
        self.units = units
        self.places = places
    }

    /// `numerator / denominator` rounded half away from zero to `places` decimals; nil when
    /// `denominator` is 0 (an ASR without attempts is no number, not 0).
    public static func ratio(_ numerator: Int64, _ denominator: Int64, places: Int) -> ReportDecimal? {
        guard denominator != 0 else { return nil }
        let scale = Int64(Self.power(places))
        let scaled = numerator.magnitude * scale.magnitude
        let divisor = denominator.magnitude
        let rounded = Int64((2 * scaled + divisor) / (2 * divisor))
        return ReportDecimal(units: (numerator < 0) != (denominator < 0) ? -rounded : rounded, places: places)
    }

    /// `50.0`, `10.00`, `-0.5`: always `places` decimals.
    public var description: String {
        guard places > 0 else { return String(units) }
        let scale = UInt64(Self.power(places))
        var fraction = String(units.magnitude % scale)
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        return (units < 0 ? "-" : "") + String(units.magnitude / scale) + "." + fraction
    }

    /// For JSON, whose numbers are read as binary floating point anyway.
    public var doubleValue: Double { Double(units) / Double(Self.power(places)) }

    private static func power(_ places: Int) -> Int {
        (0..<max(places, 0)).reduce(1) { value, _ in value * 10 }
    }
}
