import Foundation

/// What the four report renderings share: the output form, bucket labels, how a missing
/// figure is written, and CSV rows escaped as `cdr list --csv` escapes them.
enum ReportOutput {
    enum Format {
        case table, json, csv
    }

    /// A bucket in a table: `2026-11-22 10:00` for an hour, `2026-11-22` for a day.
    static func label(_ start: Date, _ granularity: ReportGranularity) -> String {
        let text = start.iso8601
        switch granularity {
        case .hour: return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
        case .day: return String(text.prefix(10))
        }
    }

    /// The first line of a table: which report, which period.
    static func heading(_ report: String, _ period: ReportPeriod) -> String {
        "\(report) from \(period.from.iso8601) to \(period.to.iso8601) (excluded), by \(period.granularity.rawValue), UTC\n\n"
    }

    /// `-` for a figure that could not be computed (no attempts, no samples).
    static func text(_ value: ReportDecimal?) -> String { value?.description ?? "-" }
    static func text(_ value: Int?) -> String { value.map(String.init) ?? "-" }

    static func json(_ value: ReportDecimal?) -> JSONValue { value.map { .number($0.doubleValue) } ?? .null }

    /// The members every JSON report starts with.
    static func jsonHeader(_ report: String, _ period: ReportPeriod) -> [(String, JSONValue)] {
        [
            ("report", .string(report)), ("from", .string(period.from.iso8601)), ("to", .string(period.to.iso8601)),
            ("by", .string(period.granularity.rawValue)),
        ]
    }

    /// RFC 4180 with the table's escapes in every field (see `CDRCommands.list`); an empty
    /// field for a figure that could not be computed.
    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        CSVText.row(header) + rows.map { CSVText.row($0.map(PrintableText.escape)) }.joined()
    }

    static func csvText(_ value: ReportDecimal?) -> String { value?.description ?? "" }
    static func csvText(_ value: Int?) -> String { value.map(String.init) ?? "" }
}
