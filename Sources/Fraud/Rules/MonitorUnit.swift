/// What a monitor's figures count, so that an alert can show them the way operators read them.
public enum MonitorUnit: String, Sendable, Hashable {
    /// Millionths of the currency unit.
    case micros
    case calls
    case seconds
    case numbers
    case countries

    /// `52.30`, `12 calls`, `95 min 5 s`.
    public func format(_ figure: Int64) -> String {
        switch self {
        case .micros: Self.money(figure)
        case .calls: "\(figure) call" + (figure == 1 ? "" : "s")
        case .seconds: figure >= 60 ? "\(figure / 60) min" + (figure % 60 == 0 ? "" : " \(figure % 60) s") : "\(figure) s"
        case .numbers: "\(figure) number" + (figure == 1 ? "" : "s")
        case .countries: "\(figure) countr" + (figure == 1 ? "y" : "ies")
        }
    }

    /// Two decimals, more only when the micros need them (`0.00015`).
    static func money(_ micros: Int64) -> String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / 1_000_000
        var fraction = String(magnitude % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 2 && fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(whole).\(fraction)"
    }
}
