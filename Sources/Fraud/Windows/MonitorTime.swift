/// Arithmetic on Unix milliseconds that saturates instead of trapping: times come from the
/// wall clock and from stored records, periods from configuration, and a fraud monitor must
/// not crash on an absurd value in either.
enum MonitorTime {
    static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int64.max : Int64.min) : sum
    }

    static func subtracting(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b > 0 ? Int64.min : Int64.max) : difference
    }

    /// Rounded towards minus infinity, so that times before 1970 (a test's clock, a broken
    /// one) fall into slots the same way as later ones.
    static func floorDivide(_ value: Int64, by divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        value - floorDivide(value, by: divisor) * divisor
    }
}
