/// A point in time on a monotonic clock, in nanoseconds. Transactions never read a clock:
/// callers pass the current instant in, so tests move time instead of sleeping.
public struct SIPInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static let zero = SIPInstant(nanoseconds: 0)

    public static func < (lhs: SIPInstant, rhs: SIPInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: SIPInstant, rhs: Duration) -> SIPInstant {
        let (seconds, attoseconds) = rhs.components
        return SIPInstant(nanoseconds: lhs.nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    public static func - (lhs: SIPInstant, rhs: SIPInstant) -> Duration {
        .nanoseconds(lhs.nanoseconds - rhs.nanoseconds)
    }

    public var description: String { "\(Double(nanoseconds) / 1e9)s" }
}
