/// How `report calls` writes its report: three tables (buckets with a total line, providers,
/// accounts), one JSON object (`buckets`, `byProvider`, `byAccount`, `total`), or CSV rows
/// with their section (`bucket`, `provider`, `account`, `total`) in the first column.
enum CallsReportOutput {
    static func render(_ report: CallsReport, _ format: ReportOutput.Format) -> String {
        switch format {
        case .table: return table(report)
        case .json: return json(report).serialized() + "\n"
        case .csv: return csv(report)
        }
    }

    static let columns = ["ATTEMPTS", "RINGING", "ANSWERED", "ASR (%)", "ACD (S)", "MINUTES", "AVG MIN"]

    static func table(_ report: CallsReport) -> String {
        var buckets = TextTable(["BUCKET (UTC)"] + columns)
        for bucket in report.buckets {
            buckets.append([ReportOutput.label(bucket.start, report.period.granularity)] + cells(bucket.figures))
        }
        buckets.append(["total"] + cells(report.total))
        var providers = TextTable(["PROVIDER"] + columns)
        for group in report.byProvider { providers.append([group.name] + cells(group.figures)) }
        var accounts = TextTable(["ACCOUNT"] + columns)
        for group in report.byAccount { accounts.append([group.name] + cells(group.figures)) }
        return ReportOutput.heading("calls", report.period) + buckets.render() + "\n" + providers.render() + "\n" + accounts.render()
    }

    static func cells(_ figures: CallFigures) -> [String] {
        [
            String(figures.attempts), String(figures.ringing), String(figures.answered), ReportOutput.text(figures.asr),
            ReportOutput.text(figures.acdSeconds), figures.totalMinutes.description, ReportOutput.text(figures.averageMinutes),
        ]
    }

    static func json(_ report: CallsReport) -> JSONValue {
        .object(ReportOutput.jsonHeader("calls", report.period) + [
            ("buckets", .array(report.buckets.map { .object([("start", .string($0.start.iso8601))] + members($0.figures)) })),
            ("byProvider", .array(report.byProvider.map { .object([("provider", .string($0.name))] + members($0.figures)) })),
            ("byAccount", .array(report.byAccount.map { .object([("account", .string($0.name))] + members($0.figures)) })),
            ("total", .object(members(report.total))),
        ])
    }

    static func members(_ figures: CallFigures) -> [(String, JSONValue)] {
        [
            ("attempts", .integer(figures.attempts)), ("ringing", .integer(figures.ringing)), ("answered", .integer(figures.answered)),
            ("asr", ReportOutput.json(figures.asr)), ("acdSeconds", ReportOutput.json(figures.acdSeconds)),
            ("totalMinutes", ReportOutput.json(figures.totalMinutes)), ("averageMinutes", ReportOutput.json(figures.averageMinutes)),
        ]
    }

    static func csv(_ report: CallsReport) -> String {
        func fields(_ figures: CallFigures) -> [String] {
            [
                String(figures.attempts), String(figures.ringing), String(figures.answered), ReportOutput.csvText(figures.asr),
                ReportOutput.csvText(figures.acdSeconds), figures.totalMinutes.description, ReportOutput.csvText(figures.averageMinutes),
            ]
        }
        let rows = report.buckets.map { ["bucket", $0.start.iso8601] + fields($0.figures) }
            + report.byProvider.map { ["provider", $0.name] + fields($0.figures) }
            + report.byAccount.map { ["account", $0.name] + fields($0.figures) }
            + [["total", ""] + fields(report.total)]
        return ReportOutput.csv(
            ["section", "name", "attempts", "ringing", "answered", "asr", "acdSeconds", "totalMinutes", "averageMinutes"], rows)
    }
}
