import Fraud
import Testing

/// Allowed hours in a fixed offset, over midnight, on chosen weekdays.
@Suite("Allowed hours")
struct AllowedHoursTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var hours: AllowedHours
        /// Milliseconds after Monday 2026-01-05 00:00 UTC.
        var after: Int64
        var allowed: Bool
        var testDescription: String
    }

    static let office = AllowedHours(from: 8, to: 18, utcOffsetMinutes: 60, weekdays: AllowedHours.Weekday.workingDays)
    static let night = AllowedHours(from: 22, to: 6)
    static let newYork = AllowedHours(from: 9, to: 17, utcOffsetMinutes: -300)

    static let rows: [Row] = [
        Row(hours: office, after: 7 * Time.hour - 1, allowed: false, testDescription: "07:59:59.999 local Monday"),
        Row(hours: office, after: 7 * Time.hour, allowed: true, testDescription: "08:00 local Monday"),
        Row(hours: office, after: 17 * Time.hour - 1, allowed: true, testDescription: "17:59:59.999 local"),
        Row(hours: office, after: 17 * Time.hour, allowed: false, testDescription: "18:00 local"),
        // Sunday 23:30 UTC is Monday 00:30 local: a weekday, but outside the hours.
        Row(hours: office, after: -30 * Time.minute, allowed: false, testDescription: "Monday 00:30 local"),
        Row(hours: office, after: 4 * Time.day + 12 * Time.hour, allowed: true, testDescription: "Friday 13:00 local"),
        Row(hours: office, after: 5 * Time.day + 12 * Time.hour, allowed: false, testDescription: "Saturday 13:00 local"),
        Row(hours: night, after: 22 * Time.hour, allowed: true, testDescription: "22:00 over midnight"),
        Row(hours: night, after: 5 * Time.hour + 59 * Time.minute, allowed: true, testDescription: "05:59 over midnight"),
        Row(hours: night, after: 6 * Time.hour, allowed: false, testDescription: "06:00 over midnight"),
        Row(hours: night, after: 12 * Time.hour, allowed: false, testDescription: "noon over midnight"),
        Row(hours: newYork, after: 14 * Time.hour, allowed: true, testDescription: "09:00 in UTC-5"),
        Row(hours: newYork, after: 13 * Time.hour + 59 * Time.minute, allowed: false, testDescription: "08:59 in UTC-5"),
        Row(hours: AllowedHours(from: 0, to: 24), after: 3 * Time.hour, allowed: true, testDescription: "the whole day"),
        Row(hours: AllowedHours(from: 8, to: 24), after: 23 * Time.hour + 59 * Time.minute, allowed: true, testDescription: "to midnight"),
        Row(hours: AllowedHours(from: 8, to: 24), after: 7 * Time.hour, allowed: false, testDescription: "to midnight, early"),
        Row(hours: AllowedHours(startMinute: 0, endMinute: 0, weekdays: [.sunday]), after: 6 * Time.day, allowed: true, testDescription: "Sunday only"),
        Row(hours: AllowedHours(startMinute: 0, endMinute: 0, weekdays: [.sunday]), after: 0, allowed: false, testDescription: "Sunday only, Monday"),
    ]

    @Test("Within or outside", arguments: rows)
    func allows(_ row: Row) {
        #expect(row.hours.allows(Time.monday + row.after) == row.allowed)
    }

    @Test("Times before 1970 and absurd offsets are read without trapping")
    func extremes() {
        #expect(AllowedHours(from: 0, to: 24, utcOffsetMinutes: Int.max).allows(Int64.max))
        _ = AllowedHours(from: 8, to: 18, utcOffsetMinutes: Int.min, weekdays: [.monday]).allows(Int64.min)
        #expect(AllowedHours(from: 8, to: 18, utcOffsetMinutes: Int.min).utcOffsetMinutes == -1440)
        // 1969-12-31 is a Wednesday.
        #expect(AllowedHours(startMinute: 0, endMinute: 0, weekdays: [.wednesday]).allows(-1))
    }
}
