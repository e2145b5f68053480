import Foundation

extension OptionValue {
    static let dateForms = "2026-11-22, 2026-11-22T10:00:00Z or 2026-11-22 10:00:00 (UTC)"

    /// A date as an operator types it, always in UTC: a day (its midnight), or a day and a
    /// time with `T` and `Z` (ISO 8601) or with a space. Local time is never guessed: the
    /// same command must select the same records on every machine.
    static func date(_ text: String, option: String) throws(ManagementError) -> Date {
        guard let date = UTCDateText.parse(text) else {
            throw .usage("\(option): \"\(PrintableText.escape(text))\" is not a date; expected \(dateForms)")
        }
        return date
    }
}

/// The strict parser behind `OptionValue.date`: fixed positions, ASCII digits only, and the
/// fields must name a real instant (no 2026-02-30, no 24:00:00).
enum UTCDateText {
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        let hasTime: Bool
        switch bytes.count {
        case 10: hasTime = false
        case 19 where bytes[10] == UInt8(ascii: " "): hasTime = true
        case 20 where bytes[10] == UInt8(ascii: "T") && bytes[19] == UInt8(ascii: "Z"): hasTime = true
        default: return nil
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        if hasTime, bytes[13] != UInt8(ascii: ":") || bytes[16] != UInt8(ascii: ":") { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        var components = DateComponents()
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        (components.year, components.month, components.day) = (year, month, day)
        if hasTime {
            guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
            (components.hour, components.minute, components.second) = (hour, minute, second)
        } else {
            (components.hour, components.minute, components.second) = (0, 0, 0)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        // Calendar rolls 2026-02-30 over to March: reading the fields back catches it.
        guard let date = calendar.date(from: components) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == year, back.month == month, back.day == day, back.hour == components.hour,
              back.minute == components.minute, back.second == components.second
        else { return nil }
        return date
    }
}
