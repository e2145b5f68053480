import Console
import Foundation
import Hummingbird
import Storage

/// Call records: the list with filters and pages, the call-info view with the originator's
/// details (source address, User-Agent, headers as received — all shown as text), and the
/// same under /api/v1/cdrs. Customers see their own account's calls only.
struct CallRecordRoutes: Sendable {
    let console: WebConsole

    func add(to router: Router<ConsoleRequestContext>) {
        router.get("/cdrs") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .customer)
            return try listPage(request, identity: identity)
        }
        router.get("/cdrs/:id") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .customer)
            let record = try record(request, context: context, identity: identity)
            return detailPage(record, identity: identity)
        }
        router.get("/api/v1/cdrs") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .customer)
            let (offset, limit) = try PageSupport.page(request)
            var filter = try filter(request, identity: identity)
            filter.offset = offset
            filter.limit = limit
            let records = try console.database.callRecords(filter)
            let total = try console.database.callRecordCount(filter)
            return PageSupport.json([
                "items": records.map { PageSupport.parse(CallRecordOutput.json($0).serialized()) }, "total": total, "offset": offset, "limit": limit,
            ])
        }
        router.get("/api/v1/cdrs/:id") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .customer)
            return PageSupport.json(PageSupport.parse(CallRecordOutput.json(try record(request, context: context, identity: identity)).serialized()))
        }
    }

    private func record(_ request: Request, context: ConsoleRequestContext, identity: WebIdentity) throws -> CallRecord {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw Problem.badRequest("a call record id is a positive whole number") }
        guard let record = try console.database.callRecord(id: id) else {
            throw Problem.notFound("call record \(id) not found")
        }
        if identity.role == .customer, record.accountId != identity.accountId {
            throw console.refuse(identity, request: request, context: context, what: "call record \(id)")
        }
        return record
    }

    /// From the query: `from`, `to` (dates), `account`, `device`, `cause`, `status`
    /// (answered | failed), `q` (number, caller, address or Call-ID).
    private func filter(_ request: Request, identity: WebIdentity) throws -> CallRecordFilter {
        var filter = CallRecordFilter(limit: 50)
        do {
            if let text = PageSupport.query(request, "from") { filter.from = try OptionValue.date(text, option: "from") }
            if let text = PageSupport.query(request, "to") { filter.to = try OptionValue.date(text, option: "to") }
        } catch {
            throw PageSupport.problem(error)
        }
        if let cause = PageSupport.query(request, "cause") { filter.cause = String(cause.prefix(64)) }
        if let name = PageSupport.query(request, "account"), identity.role != .customer {
            filter.accountId = try console.database.account(named: name)?.id ?? -1
        }
        if let name = PageSupport.query(request, "device") { filter.deviceId = try console.database.device(username: name)?.id ?? -1 }
        if identity.role == .customer { filter.accountId = identity.accountId ?? -1 }
        return filter
    }

    private func listPage(_ request: Request, identity: WebIdentity) throws -> Response {
        let offset = max(0, Int(PageSupport.query(request, "offset") ?? "") ?? 0)
        var filter = try filter(request, identity: identity)
        let search = PageSupport.query(request, "q")?.lowercased()
        filter.offset = search == nil ? offset : 0
        filter.limit = search == nil ? 50 : 2_000
        var records = try console.database.callRecords(filter)
        var total = try console.database.callRecordCount(filter)
        if let search {
            records = records.filter { record in
                [record.dialledNumber, record.callerName ?? "", record.sourceIP, record.callID, record.userAgent ?? "", record.fromHeader]
                    .contains { $0.lowercased().contains(search) }
            }
            total = records.count
            records = Array(records.dropFirst(offset).prefix(50))
        }
        let rows: [[String: Any]] = records.map { record in
            let answered = record.answeredAt != nil
            return [
                "flagged": record.callerKind == "unidentified",
                "cells": [
                    ["text": String(record.id ?? 0), "href": "/cdrs/\(record.id ?? 0)"],
                    ["text": record.startedAt.formatted(date: .abbreviated, time: .standard)],
                    ["text": CallRecordOutput.caller(record)], ["text": record.sourceIP, "mono": true],
                    ["text": record.dialledNumber, "mono": true], ["text": record.destination ?? "—"],
                    ["text": "\(record.status) \(record.reason)", "badge": answered ? "ok" : (record.status >= 400 ? "danger" : "warn")],
                    ["text": CallRecordOutput.seconds(millis: record.durationMillis) + " s"],
                    ["text": MoneyAmount.format(micros: record.costMicros)],
                    ["text": record.userAgent ?? "—"],
                ] as [[String: Any]],
            ]
        }
        let keep = ["from", "to", "q", "cause", "device", "account"].compactMap { name in
            PageSupport.query(request, name).map { "\(name)=\(PageSupport.segment($0))" }
        }.joined(separator: "&")
        var pager: [String: Any] = ["info": total == 0 ? "0 calls" : "\(offset + 1)–\(offset + records.count) of \(total)"]
        if offset > 0 { pager["previous"] = "/cdrs?offset=\(max(0, offset - 50))&" + keep }
        if offset + 50 < total { pager["next"] = "/cdrs?offset=\(offset + 50)&" + keep }
        let data: [String: Any] = [
            "heading": "Calls", "description": "Call records, newest first. Unidentified callers are highlighted.",
            "columns": ["ID", "Started", "Caller", "From address", "Dialled", "Destination", "Result", "Duration", "Cost", "User-Agent"],
            "rows": rows, "columnCount": 10, "empty": "No calls match.", "pager": pager, "hasFilters": true,
            "filters": [
                ["name": "q", "label": "Number, caller, address, Call-ID", "type": "search", "value": PageSupport.query(request, "q") ?? "", "placeholder": "+44…"],
                ["name": "from", "label": "From", "type": "text", "value": PageSupport.query(request, "from") ?? "", "placeholder": "2026-11-01"],
                ["name": "to", "label": "To", "type": "text", "value": PageSupport.query(request, "to") ?? "", "placeholder": "now"],
                ["name": "device", "label": "Device", "type": "text", "value": PageSupport.query(request, "device") ?? "", "placeholder": "username"],
                ["name": "cause", "label": "Cause", "type": "text", "value": PageSupport.query(request, "cause") ?? "", "placeholder": "normal-clearing"],
            ],
        ]
        return console.pages.page("list", title: "Calls", data: data, identity: identity, active: "cdrs")
    }

    private func detailPage(_ record: CallRecord, identity: WebIdentity) -> Response {
        func field(_ label: String, _ value: String?, mono: Bool = false) -> [String: Any] {
            ["label": label, "value": value.flatMap { $0.isEmpty ? nil : $0 } ?? "—", "mono": mono]
        }
        let call: [[String: Any]] = [
            field("Call-ID", record.callID, mono: true), field("Started", record.startedAt.iso8601Milliseconds),
            field("Answered", record.answeredAt?.iso8601Milliseconds), field("Ended", record.endedAt.iso8601Milliseconds),
            field("Duration", CallRecordOutput.seconds(millis: record.durationMillis) + " s"), field("Billable", "\(record.billableSeconds) s"),
            field("Dialled", record.dialledNumber, mono: true), field("Destination", record.destinationKind + (record.destination.map { " " + $0 } ?? "")),
            field("Result", "\(record.status) \(record.reason)"), field("Cause", record.cause), field("Hung up by", record.hangupBy),
            field("Cost", MoneyAmount.format(micros: record.costMicros)), field("Rate prefix", record.ratePrefix),
            field("Transferred from", record.relatedCallID, mono: true),
        ]
        let originator: [[String: Any]] = [
            field("Caller", CallRecordOutput.caller(record)), field("Caller kind", record.callerKind),
            field("Caller ID presented", record.callerID, mono: true), field("Source", CallRecordOutput.source(record), mono: true), field("Transport", record.transport),
            field("User-Agent", record.userAgent, mono: true), field("From", record.fromHeader, mono: true), field("To", record.toHeader, mono: true),
            field("Contact", record.contact, mono: true), field("Request-URI", record.requestURI, mono: true),
        ]
        let attempts = record.attempts.map { CallRecordOutput.attemptLine($0) }
        var sections: [[String: Any]] = [
            ["title": "Call", "fields": call, "hasFields": true],
            ["title": "Originator", "fields": originator, "hasFields": true],
        ]
        if !attempts.isEmpty { sections.append(["title": "Provider attempts", "items": attempts, "hasItems": true]) }
        if identity.role != .customer {
            sections.append(["title": "Source", "items": ["Explain or ban this address: /bans/explain?target=\(record.sourceIP)"], "hasItems": true])
        }
        return console.pages.page(
            "detail", title: "Call \(record.id ?? 0)",
            data: ["heading": "Call \(record.id ?? 0)", "description": "Everything the originator sent is shown as received, as text.", "sections": sections],
            identity: identity, active: "cdrs")
    }
}
