import UnixTime
/// When an account's or device's calls are expected: a time of day range in a fixed UTC
/// offset, and optionally the weekdays. An office whose phones call at 3 a.m. on a Sunday
/// is a classic sign of stolen credentials being used while nobody watches.
///
/// A fixed offset rather than a time zone name: the monitor has no time zone database and
/// reads no clock; an operator whose zone has summer time widens the range by an hour.
public struct AllowedHours: Sendable, Hashable {
    /// ISO 8601 numbering: Monday is 1.
    public enum Weekday: Int, Sendable, Hashable, CaseIterable, Comparable {
        case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

        public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }

        public static let workingDays: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]
    }

    /// Minutes of the local day, 0 ..< 1440: calls are allowed from `startMinute` up to, not
    /// including, `endMinute`. A start after the end is a range over midnight (22:00 to
    /// 06:00); equal start and end allow the whole day.
    public var startMinute: Int
    public var endMinute: Int
    /// Minutes east of UTC (+60 for Central European winter time, -300 for New York's).
    public var utcOffsetMinutes: Int
    /// The days calls are allowed on; nil: every day. The weekday is that of the moment of
    /// the call itself, so a range over midnight ends on a day that must be allowed too.
    public var weekdays: Set<Weekday>?

    public init(startMinute: Int, endMinute: Int, utcOffsetMinutes: Int = 0, weekdays: Set<Weekday>? = nil) {
        self.startMinute = Self.minuteOfDay(startMinute)
        self.endMinute = Self.minuteOfDay(endMinute)
        // Real offsets are within ±14 h; anything further is a mistake, held to a day.
        self.utcOffsetMinutes = min(max(utcOffsetMinutes, -1440), 1440)
        self.weekdays = weekdays
    }

    /// From `start` hour to `end` hour (`AllowedHours(from: 8, to: 19)` is 08:00 to 19:00).
    public init(from startHour: Int, to endHour: Int, utcOffsetMinutes: Int = 0, weekdays: Set<Weekday>? = nil) {
        self.init(startMinute: startHour * 60, endMinute: endHour * 60, utcOffsetMinutes: utcOffsetMinutes, weekdays: weekdays)
    }

    /// Whether a call at `time` (Unix milliseconds) is within the allowed hours.
    public func allows(_ time: Int64) -> Bool {
        let local = UnixTime.adding(time, Int64(utcOffsetMinutes) * 60_000)
        let minute = Int(UnixTime.floorModulo(UnixTime.floorDivide(local, by: 60_000), 1440))
        if let weekdays, !weekdays.contains(Self.weekday(local)) { return false }
        if startMinute == endMinute { return true }
        if startMinute < endMinute { return minute >= startMinute && minute < endMinute }
        return minute >= startMinute || minute < endMinute
    }

    /// 1970-01-01 was a Thursday.
    static func weekday(_ localMillis: Int64) -> Weekday {
        let day = UnixTime.floorDivide(localMillis, by: 86_400_000)
        return Weekday(rawValue: Int(UnixTime.floorModulo(day + 3, 7)) + 1) ?? .monday
    }

    private static func minuteOfDay(_ minute: Int) -> Int {
        Int(UnixTime.floorModulo(Int64(minute), 1440))
    }
}
