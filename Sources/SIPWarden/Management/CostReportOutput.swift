/// How `report cost` writes its report: the buckets with a total line, then each account's
/// buckets and total; one JSON object (`buckets`, `byAccount`, `total`); or CSV rows with
/// their section (`bucket`, `account-bucket`, `account`, `total`) first. Money is written as
/// `MoneyAmount` writes it (`0.25`), with the exact micros beside it in JSON and CSV.
enum CostReportOutput {
    static func render(_ report: CostReport, _ format: ReportOutput.Format) -> String {
        switch format {
        case .table: return table(report)
        case .json: return json(report).serialized() + "\n"
        case .csv: return csv(report)
        }
    }

    static let columns = ["ANSWERED", "BILLABLE MIN", "COST"]

    static func table(_ report: CostReport) -> String {
        let granularity = report.period.granularity
        var buckets = TextTable(["BUCKET (UTC)"] + columns)
        for bucket in report.buckets { buckets.append([ReportOutput.label(bucket.start, granularity)] + cells(bucket.figures)) }
        buckets.append(["total"] + cells(report.total))
        var accounts = TextTable(["ACCOUNT", "BUCKET (UTC)"] + columns)
        for account in report.byAccount {
            for bucket in account.buckets {
                accounts.append([account.name, ReportOutput.label(bucket.start, granularity)] + cells(bucket.figures))
            }
            accounts.append([account.name, "total"] + cells(account.total))
        }
        return ReportOutput.heading("cost", report.period) + buckets.render() + "\n" + accounts.render()
    }

    static func cells(_ figures: CostFigures) -> [String] {
        [String(figures.answered), figures.billableMinutes.description, MoneyAmount.format(micros: figures.costMicros)]
    }

    static func json(_ report: CostReport) -> JSONValue {
        func bucket(_ bucket: CostReport.Bucket) -> JSONValue {
            .object([("start", .string(bucket.start.iso8601))] + members(bucket.figures))
        }
        return .object(ReportOutput.jsonHeader("cost", report.period) + [
            ("buckets", .array(report.buckets.map(bucket))),
            ("byAccount", .array(report.byAccount.map {
                .object([("account", .string($0.name)), ("buckets", .array($0.buckets.map(bucket))), ("total", .object(members($0.total)))])
            })),
            ("total", .object(members(report.total))),
        ])
    }

    static func members(_ figures: CostFigures) -> [(String, JSONValue)] {
        [
            ("answered", .integer(figures.answered)), ("billableMinutes", ReportOutput.json(figures.billableMinutes)),
            ("cost", .string(MoneyAmount.format(micros: figures.costMicros))), ("costMicros", .integer(figures.costMicros)),
        ]
    }

    static func csv(_ report: CostReport) -> String {
        func fields(_ figures: CostFigures) -> [String] {
            [String(figures.answered), figures.billableMinutes.description, MoneyAmount.format(micros: figures.costMicros), String(figures.costMicros)]
        }
        var rows = report.buckets.map { ["bucket", "", $0.start.iso8601] + fields($0.figures) }
        for account in report.byAccount {
            rows += account.buckets.map { ["account-bucket", account.name, $0.start.iso8601] + fields($0.figures) }
            rows.append(["account", account.name, ""] + fields(account.total))
        }
        rows.append(["total", "", ""] + fields(report.total))
        return ReportOutput.csv(["section", "account", "start", "answered", "billableMinutes", "cost", "costMicros"], rows)
    }
}
