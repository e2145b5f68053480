/// How `report online` writes its report: a table with a total line, one JSON object
/// (`buckets`, `total`), or CSV rows with their section (`bucket`, `total`) first. A bucket
/// without samples shows `-` (JSON null, an empty CSV field) rather than zeros.
enum OnlineReportOutput {
    static func render(_ report: OnlineReport, _ format: ReportOutput.Format) -> String {
        switch format {
        case .table:
            var table = TextTable(["BUCKET (UTC)", "SAMPLES", "MIN DEVICES", "MAX DEVICES", "AVG DEVICES", "MAX BINDINGS"])
            for bucket in report.buckets {
                table.append([ReportOutput.label(bucket.start, report.period.granularity)] + cells(bucket.figures, ReportOutput.text, ReportOutput.text))
            }
            table.append(["total"] + cells(report.total, ReportOutput.text, ReportOutput.text))
            return ReportOutput.heading("devices online", report.period) + table.render()
        case .json:
            return JSONValue.object(ReportOutput.jsonHeader("online", report.period) + [
                ("buckets", .array(report.buckets.map { .object([("start", .string($0.start.iso8601))] + members($0.figures)) })),
                ("total", .object(members(report.total))),
            ]).serialized() + "\n"
        case .csv:
            let rows = report.buckets.map { ["bucket", $0.start.iso8601] + cells($0.figures, ReportOutput.csvText, ReportOutput.csvText) }
                + [["total", ""] + cells(report.total, ReportOutput.csvText, ReportOutput.csvText)]
            return ReportOutput.csv(
                ["section", "name", "samples", "minimumDevices", "maximumDevices", "averageDevices", "maximumBindings"], rows)
        }
    }

    /// The figures as text, a missing one written by `count` or `decimal`.
    private static func cells(
        _ figures: OnlineFigures, _ count: (Int?) -> String, _ decimal: (ReportDecimal?) -> String
    ) -> [String] {
        [
            String(figures.samples), count(figures.minimumDevices), count(figures.maximumDevices), decimal(figures.averageDevices),
            count(figures.maximumBindings),
        ]
    }

    private static func members(_ figures: OnlineFigures) -> [(String, JSONValue)] {
        [
            ("samples", .integer(figures.samples)), ("minimumDevices", .integer(figures.minimumDevices)),
            ("maximumDevices", .integer(figures.maximumDevices)), ("averageDevices", ReportOutput.json(figures.averageDevices)),
            ("maximumBindings", .integer(figures.maximumBindings)),
        ]
    }
}
