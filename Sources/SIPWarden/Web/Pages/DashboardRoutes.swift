import Console
import Foundation
import Hummingbird
import Storage

/// The dashboard: live calls, registrations, bans, the last 24 hours' calls, ASR and ACD,
/// and attacks per hour, with charts drawn on the server; the page's script adds live
/// events from the event channel. `/api/v1/calls/live` and `/api/v1/status` give the same.
struct DashboardRoutes: Sendable {
    let console: WebConsole

    func add(to router: Router<ConsoleRequestContext>) {
        router.get("/dashboard") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .operator)
            return try dashboard(identity)
        }
        router.get("/api/v1/calls/live") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .customer)
            let calls = console.liveCalls().filter { identity.role != .customer || $0.accountId == identity.accountId }
            return PageSupport.json(calls.map { call -> [String: Any] in
                [
                    "callID": call.callID, "caller": call.caller, "number": call.number, "answered": call.answered,
                    "startedAt": call.startedAt.iso8601, "sourceIP": call.sourceIP, "userAgent": call.userAgent ?? NSNull(),
                    "accountId": call.accountId.map { NSNumber(value: $0) } ?? NSNull(),
                ]
            })
        }
        router.get("/api/v1/status") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .operator)
            return PageSupport.json(try status(identity, callsReport: try callsReport(identity)))
        }
    }

    /// The calls report of the last 24 hours, by hour, as JSON values.
    func callsReport(_ identity: WebIdentity) throws -> Any {
        PageSupport.parse(try ReportRoutes(console: console).run(ReportRoutes.kinds[0], options: .init(json: true), identity: identity))
    }

    func status(_ identity: WebIdentity, callsReport: Any) throws -> [String: Any] {
        let now = console.clock()
        let registrations = try console.database.registrations(deviceId: nil)
        let bans = try console.database.activeBans(at: now)
        let total = (callsReport as? [String: Any])?["total"] as? [String: Any] ?? [:]
        return [
            "liveCalls": console.liveCalls().count, "registeredDevices": Set(registrations.map(\.deviceId)).count, "registrations": registrations.count,
            "bansInForce": bans.count, "calls24h": total["attempts"] ?? 0, "answered24h": total["answered"] ?? 0,
            "asr24h": total["asr"] ?? NSNull(), "acdSeconds24h": total["acdSeconds"] ?? NSNull(),
        ]
    }

    private func dashboard(_ identity: WebIdentity) throws -> Response {
        let reports = ReportRoutes(console: console)
        let callsReport = try callsReport(identity)
        let securityReport = PageSupport.parse(try reports.run(ReportRoutes.kinds[2], options: .init(json: true), identity: identity))
        let figures = try status(identity, callsReport: callsReport)
        let now = console.clock()
        let bans = try console.database.activeBans(at: now).prefix(10).map { ban -> [String: Any] in
            ["network": ban.network, "jail": ban.jail, "reason": ban.reason, "until": ban.expiresAt.map(\.iso8601) ?? "permanent"]
        }
        let calls = console.liveCalls().sorted { $0.startedAt < $1.startedAt }.prefix(20).map { call -> [String: Any] in
            [
                "caller": call.caller, "number": call.number, "state": call.answered ? "talking" : "ringing", "stateTone": call.answered ? "ok" : "info",
                "since": call.startedAt.formatted(date: .omitted, time: .standard),
            ]
        }
        let recent = try console.database.actionLog(from: now.addingTimeInterval(-86_400), to: now.addingTimeInterval(1), limit: 15).map { entry -> [String: Any] in
            ["type": entry.action, "tone": entry.hackingAttempt ? "danger" : "info", "at": entry.at.formatted(date: .omitted, time: .shortened), "text": "\(entry.actor): \(entry.target)"]
        }
        let asr = figures["asr24h"].map { PageSupport.display($0) } ?? "—"
        let acd = figures["acdSeconds24h"].map { PageSupport.display($0) } ?? "—"
        let tiles: [[String: Any]] = [
            ["id": "live-calls", "label": "Live calls", "value": "\(figures["liveCalls"] ?? 0)", "href": "/dashboard", "tone": "info"],
            ["id": "registered", "label": "Registered devices", "value": "\(figures["registeredDevices"] ?? 0)", "href": "/devices", "tone": "ok"],
            ["id": "calls-today", "label": "Calls, 24 h", "value": "\(figures["calls24h"] ?? 0)", "href": "/cdrs", "tone": "info"],
            ["id": "asr", "label": "ASR, 24 h (%)", "value": asr, "href": "/reports/calls", "tone": "ok"],
            ["id": "acd", "label": "ACD, 24 h (s)", "value": acd, "href": "/reports/calls", "tone": "ok"],
            ["id": "bans", "label": "Bans in force", "value": "\(figures["bansInForce"] ?? 0)", "href": "/bans", "tone": (figures["bansInForce"] as? Int ?? 0) > 0 ? "danger" : "ok"],
        ]
        let data: [String: Any] = [
            "tiles": tiles, "calls": Array(calls), "bans": Array(bans), "recent": recent,
            "callsChart": ReportRoutes.chart(ReportRoutes.kinds[0], report: callsReport),
            "attacksChart": ReportRoutes.chart(ReportRoutes.kinds[2], report: securityReport),
        ]
        return console.pages.page("dashboard", title: "Dashboard", data: data, identity: identity, active: "dashboard")
    }
}
