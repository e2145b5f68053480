/// How `report security` writes its report: the period's counts, then tables of jails, top
/// sources, top countries and buckets; one JSON object; or CSV rows with their section
/// (`total`, `jail`, `source`, `country`, `bucket`) first. Sources come from the network:
/// escaped like every cell (`TextTable`, `ReportOutput.csv`).
enum SecurityReportOutput {
    /// Said instead of the countries table when no database is configured.
    static let noCountryDatabase = "countries: not known; set guard.countries.database to a country .mmdb file\n"

    static func render(_ report: SecurityReport, _ format: ReportOutput.Format) -> String {
        switch format {
        case .table: return table(report)
        case .json: return json(report).serialized() + "\n"
        case .csv: return csv(report)
        }
    }

    static func table(_ report: SecurityReport) -> String {
        let summary = TextTable.fields([
            ("unidentified attempts", String(report.unidentifiedAttempts)),
            ("auth failures", String(report.authFailures)),
            ("bans", String(report.totalBans)),
        ])
        var jails = TextTable(["JAIL", "BANS"])
        for jail in report.bansByJail { jails.append([jail.name, String(jail.count)]) }
        var sources = TextTable(["SOURCE", "UNIDENTIFIED", "BANS", "TOTAL"])
        for source in report.topSources {
            sources.append([source.source, String(source.unidentifiedAttempts), String(source.bans), String(source.total)])
        }
        var countries = noCountryDatabase
        if let top = report.topCountries {
            var table = TextTable(["COUNTRY", "TOTAL"])
            for country in top { table.append([country.name, String(country.count)]) }
            countries = table.render()
        }
        var buckets = TextTable(["BUCKET (UTC)", "UNIDENTIFIED", "AUTH FAILURES", "BANS"])
        for bucket in report.buckets {
            buckets.append([
                ReportOutput.label(bucket.start, report.period.granularity), String(bucket.unidentifiedAttempts),
                String(bucket.authFailures), String(bucket.bans),
            ])
        }
        buckets.append(["total", String(report.unidentifiedAttempts), String(report.authFailures), String(report.totalBans)])
        return ReportOutput.heading("security", report.period) + summary + "\n" + jails.render() + "\n" + sources.render() + "\n"
            + countries + "\n" + buckets.render()
    }

    static func json(_ report: SecurityReport) -> JSONValue {
        .object(ReportOutput.jsonHeader("security", report.period) + [
            ("unidentifiedAttempts", .integer(report.unidentifiedAttempts)),
            ("authFailures", .integer(report.authFailures)),
            ("totalBans", .integer(report.totalBans)),
            ("bansByJail", .array(report.bansByJail.map { .object([("jail", .string($0.name)), ("bans", .integer($0.count))]) })),
            ("topSources", .array(report.topSources.map {
                .object([
                    ("source", .string($0.source)), ("unidentifiedAttempts", .integer($0.unidentifiedAttempts)),
                    ("bans", .integer($0.bans)), ("total", .integer($0.total)),
                ])
            })),
            ("topCountries", report.topCountries.map { top in
                .array(top.map { .object([("country", .string($0.name)), ("total", .integer($0.count))]) })
            } ?? .null),
            ("buckets", .array(report.buckets.map {
                .object([
                    ("start", .string($0.start.iso8601)), ("unidentifiedAttempts", .integer($0.unidentifiedAttempts)),
                    ("authFailures", .integer($0.authFailures)), ("bans", .integer($0.bans)),
                ])
            })),
        ])
    }

    static func csv(_ report: SecurityReport) -> String {
        var rows = [["total", "", String(report.unidentifiedAttempts), String(report.authFailures), String(report.totalBans), ""]]
        rows += report.bansByJail.map { ["jail", $0.name, "", "", String($0.count), ""] }
        rows += report.topSources.map { ["source", $0.source, String($0.unidentifiedAttempts), "", String($0.bans), String($0.total)] }
        rows += (report.topCountries ?? []).map { ["country", $0.name, "", "", "", String($0.count)] }
        rows += report.buckets.map {
            ["bucket", $0.start.iso8601, String($0.unidentifiedAttempts), String($0.authFailures), String($0.bans), ""]
        }
        return ReportOutput.csv(["section", "name", "unidentifiedAttempts", "authFailures", "bans", "total"], rows)
    }
}
