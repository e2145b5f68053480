public import Foundation

/// Wall-clock time as the server's parts pass it to each other: Unix milliseconds in an
/// `Int64`, turned into a `Date` only at storage and display, with this one set of
/// conversions. Arithmetic saturates instead of trapping: times come from the wall clock and
/// from stored records, periods from configuration, and a security component must not crash
/// on an absurd value in any of them.
public enum UnixTime {
    /// `date` in Unix milliseconds, rounded down (towards the past); saturated at the ends.
    public static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard value.isFinite else { return value < 0 ? Int64.min : Int64.max }
        if value >= 9.2e18 { return Int64.max }
        if value <= -9.2e18 { return Int64.min }
        return Int64(value)
    }

    public static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// A period of `seconds` in milliseconds, saturated.
    public static func milliseconds(seconds: Int) -> Int64 {
        let (product, overflow) = Int64(clamping: seconds).multipliedReportingOverflow(by: 1000)
        return overflow ? (seconds < 0 ? Int64.min : Int64.max) : product
    }

    public static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int64.max : Int64.min) : sum
    }

    public static func subtracting(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b > 0 ? Int64.min : Int64.max) : difference
    }

    /// Rounded towards minus infinity, so that times before 1970 (a test's clock, a broken
    /// one) fall into slots the same way as later ones.
    public static func floorDivide(_ value: Int64, by divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    public static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        value - floorDivide(value, by: divisor) * divisor
    }
}
