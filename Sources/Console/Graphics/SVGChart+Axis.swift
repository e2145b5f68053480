/// Axis arithmetic and number formatting of `SVGChart`.
enum ChartAxis {
    /// Tick values from 0 to the first tick at or above `maximum`, 4 to 6 of them, a step
    /// of 1, 2 or 5 × 10ⁿ. The step is the smallest such that at most 5 intervals reach the
    /// maximum; the next smaller step needed more than 5, and steps grow at most 2.5-fold,
    /// so at least 3 intervals are left: 4 to 6 ticks.
    static func ticks(maximum: Double) -> [Double] {
        guard maximum.isFinite, maximum > 0 else { return [0, 1] }
        // Below this the decimal arithmetic runs into subnormal numbers; no chart of the
        // console counts in such units.
        guard maximum >= 1e-200 else { return [0, maximum] }
        // Start a decade below the step, then walk 1, 2, 5, 10 ... until at most 5 intervals.
        var exponent = (maximum / 5).log10Floor - 1
        var mantissa = 1
        while intervals(maximum, mantissa, exponent) > 5 {
            switch mantissa {
            case 1: mantissa = 2
            case 2: mantissa = 5
            default:
                mantissa = 1
                exponent += 1
            }
        }
        let count = max(intervals(maximum, mantissa, exponent), 1)
        let ticks = (0...count).map { value(mantissa * $0, exponent) }
        guard let last = ticks.last, last.isFinite, last >= maximum else { return [0, maximum] }
        return ticks
    }

    /// How many steps of mantissa × 10^exponent reach `maximum`, with a little slack so
    /// that a maximum of exactly 8 is not pushed to a tick past it by rounding.
    private static func intervals(_ maximum: Double, _ mantissa: Int, _ exponent: Int) -> Int {
        let steps = maximum / value(mantissa, exponent)
        guard steps.isFinite else { return Int.max }
        return Int((steps - 1e-9).rounded(.up))
    }

    /// units × 10^exponent, divided rather than multiplied for negative exponents so that
    /// 3 × 10⁻¹ is 0.3 and not 0.30000000000000004.
    private static func value(_ units: Int, _ exponent: Int) -> Double {
        exponent >= 0 ? Double(units) * power(exponent) : Double(units) / power(-exponent)
    }

    private static func power(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<min(exponent, 400) { result *= 10 }
        return result
    }

    /// Every how many labels one is written so that none overlaps the next: a label's
    /// estimated width plus a gap of 8 px, against the width each label has.
    static func labelStep(widest: Double, slot: Double) -> Int {
        guard slot.isFinite, slot > 0 else { return Int.max }
        let step = ((widest + 8) / slot).rounded(.up)
        return step.isFinite ? max(1, Int(min(step, 1e9))) : Int.max
    }

    /// A tick label: 1.2k, 15k, 3.5M, 2B, 1T; 0.25, 7 below a thousand; 2e15 and beyond
    /// with an exponent.
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude.isFinite, magnitude >= 1e15 {
            let exponent = magnitude.log10Floor
            return decimal(value / power(exponent), places: 1) + "e\(exponent)"
        }
        for (scale, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] where magnitude >= scale {
            return decimal(value / scale, places: 1) + suffix
        }
        return plain(value)
    }

    /// A value as a tooltip shows it: 2 decimals at most, 6 below 1 (so that 0.004 does not become 0).
    static func plain(_ value: Double) -> String {
        decimal(value, places: abs(value) < 1 ? 6 : 2)
    }

    /// `value` rounded to `places` decimals, trailing zeros dropped.
    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, abs(scaled) < 9e15 else { return value.isFinite ? "\(value)" : "0" }
        let units = Int(scaled)
        let whole = abs(units) / Int(scale)
        var fraction = String(abs(units) % Int(scale))
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        let sign = units < 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}

extension Double {
    /// ⌊log₁₀(self)⌋ for a finite positive value, without Foundation.
    fileprivate var log10Floor: Int {
        var exponent = 0
        var value = self
        while value >= 10 {
            value /= 10
            exponent += 1
        }
        while value < 1 {
            value *= 10
            exponent -= 1
        }
        return exponent
    }
}
