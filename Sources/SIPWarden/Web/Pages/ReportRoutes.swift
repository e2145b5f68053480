import Console
import Foundation
import Hummingbird
import NIOCore

/// The reports (calls, online, security, cost) as pages with a server-rendered chart and a
/// CSV download, and as JSON under /api/v1/reports: the same computations as
/// `sipwarden report`.
struct ReportRoutes: Sendable {
    let console: WebConsole

    struct Kind: Sendable {
        let id: String
        let title: String
        /// What the chart shows: the bucket figures to draw.
        let series: [(key: String, name: String)]
        let lines: Bool
    }

    static let kinds: [Kind] = [
        Kind(id: "calls", title: "Calls", series: [("attempts", "Attempts"), ("answered", "Answered")], lines: false),
        Kind(id: "online", title: "Online devices", series: [("maximumDevices", "Most devices"), ("minimumDevices", "Fewest devices")], lines: true),
        Kind(id: "security", title: "Security", series: [("unidentifiedAttempts", "Unidentified attempts"), ("bans", "Bans"), ("authFailures", "Auth failures")], lines: false),
        Kind(id: "cost", title: "Cost", series: [("cost", "Cost")], lines: false),
    ]

    func add(to router: Router<ConsoleRequestContext>) {
        for kind in Self.kinds {
            router.get(RouterPath("/reports/" + kind.id)) { request, context -> Response in
                let identity = try console.requirePage(request, context: context, role: .operator)
                let options = try Self.options(request)
                if PageSupport.query(request, "format") == "csv" {
                    var csvOptions = options
                    csvOptions.csv = true
                    let text = try run(kind, options: csvOptions, identity: identity)
                    return Response(
                        status: .ok,
                        headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"sipwarden-\(kind.id)-report.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
                }
                return try page(kind, options: options, identity: identity, request: request)
            }
            router.get(RouterPath("/api/v1/reports/" + kind.id)) { request, context -> Response in
                let identity = try console.requireAPI(request, context: context, role: .operator)
                var options = try Self.options(request)
                options.json = true
                return PageSupport.json(PageSupport.parse(try run(kind, options: options, identity: identity)))
            }
        }
    }

    static func options(_ request: Request) throws -> ReportCommands.Options {
        let by = PageSupport.query(request, "by")
        if let by, by != "hour", by != "day" { throw Problem.badRequest("by: expected hour or day") }
        return ReportCommands.Options(from: PageSupport.query(request, "from"), to: PageSupport.query(request, "to"), by: by)
    }

    func run(_ kind: Kind, options: ReportCommands.Options, identity: WebIdentity) throws -> String {
        var options = options
        if options.from == nil, options.to == nil {
            // The default period: the last 24 hours by hour.
            let now = console.clock()
            options.from = now.addingTimeInterval(-86_400).iso8601
            options.to = now.iso8601
            if options.by == nil { options.by = "hour" }
        }
        let commands = ReportCommands(session: console.management(identity))
        do {
            switch kind.id {
            case "calls": return try commands.calls(options)
            case "online": return try commands.online(options)
            case "security": return try commands.security(options)
            default: return try commands.cost(options)
            }
        } catch {
            throw PageSupport.problem(error)
        }
    }

    /// A figure of a bucket, wherever the report nests it.
    static func figure(_ object: [String: Any], _ key: String) -> Double {
        if let value = object[key] { return number(value) }
        for value in object.values {
            if let nested = value as? [String: Any], let found = nested[key] { return number(found) }
        }
        return 0
    }

    static func number(_ value: Any) -> Double {
        switch value {
        case let number as NSNumber: return number.doubleValue
        case let text as String: return Double(text) ?? 0
        default: return 0
        }
    }

    /// The chart of a report's buckets.
    static func chart(_ kind: Kind, report: Any) -> String {
        let buckets = (report as? [String: Any])?["buckets"] as? [[String: Any]] ?? []
        let labels = buckets.map { bucket -> String in
            let start = bucket["start"] as? String ?? ""
            // 2026-11-22T10:00:00Z → 22 10:00 (hours) or 11-22 (days)
            let parts = start.split(separator: "T")
            guard parts.count == 2 else { return start }
            let time = parts[1].prefix(5)
            return time == "00:00" ? String(parts[0].suffix(5)) : String(parts[0].suffix(2)) + " " + time
        }
        let series = kind.series.map { item in ChartSeries(name: item.name, values: buckets.map { figure($0, item.key) }) }
        return kind.lines
            ? SVGChart.lines(title: kind.title, labels: labels, series: series)
            : SVGChart.bars(title: kind.title, labels: labels, series: series)
    }

    private func page(_ kind: Kind, options: ReportCommands.Options, identity: WebIdentity, request: Request) throws -> Response {
        var jsonOptions = options
        jsonOptions.json = true
        let report = PageSupport.parse(try run(kind, options: jsonOptions, identity: identity))
        let object = report as? [String: Any] ?? [:]
        var summary: [[String: Any]] = []
        if let total = object["total"] as? [String: Any] {
            for key in total.keys.sorted() where !key.hasSuffix("Micros") {
                summary.append(["label": PageSupport.label(key), "value": PageSupport.display(total[key])])
            }
        }
        // The groups of the report as rows: per provider, account, jail, source…
        var rows: [[String: Any]] = []
        for (groupKey, value) in object.sorted(by: { $0.key < $1.key }) where groupKey != "buckets" && groupKey != "total" {
            guard let list = value as? [[String: Any]] else { continue }
            for entry in list {
                let name = entry["provider"] ?? entry["account"] ?? entry["jail"] ?? entry["source"] ?? entry["country"] ?? "—"
                let figures = entry.keys.sorted().filter { !["provider", "account", "jail", "source", "country"].contains($0) && !$0.hasSuffix("Micros") }
                    .map { "\($0): \(PageSupport.display(entry[$0]))" }.joined(separator: " · ")
                rows.append(["cells": [["text": groupKey], ["text": PageSupport.display(name)], ["text": figures]]])
            }
        }
        let query = [("from", options.from), ("to", options.to), ("by", options.by)].compactMap { name, value in value.map { "\(name)=\(PageSupport.segment($0))" } }
        let csvHref = "/reports/\(kind.id)?" + (query + ["format=csv"]).joined(separator: "&")
        let tabs = Self.kinds.map { other in "<a class=\"button small\(other.id == kind.id ? " primary" : "")\" href=\"/reports/\(other.id)\" id=\"report-\(other.id)\">\(other.title)</a>" }.joined(separator: " ")
        let data: [String: Any] = [
            "heading": "\(kind.title) report", "description": "Default: the last 24 hours by hour. Times are UTC.",
            "chart": "<div class=\"actions\">\(tabs)</div>" + Self.chart(kind, report: report), "hasSummary": !summary.isEmpty, "summary": summary,
            "columns": ["Group", "Name", "Figures"], "rows": rows, "columnCount": 3, "empty": "No groups in this period.", "csvHref": csvHref,
            "hasFilters": true,
            "filters": [
                ["name": "from", "label": "From", "type": "text", "value": options.from ?? "", "placeholder": "2026-11-01 or 2026-11-01T00:00:00Z"],
                ["name": "to", "label": "To", "type": "text", "value": options.to ?? "", "placeholder": "now"],
                ["name": "by", "label": "By", "isSelect": true, "options": [["value": "hour", "label": "hour", "selected": options.by != "day"], ["value": "day", "label": "day", "selected": options.by == "day"]]],
            ],
        ]
        return console.pages.page("list", title: "\(kind.title) report", data: data, identity: identity, active: "reports")
    }
}
