import Console
import Foundation
import Hummingbird
import Storage

/// The Guard's side of the console: bans in force with "explain" (the evidence of each ban)
/// and one-click unban, bans by hand, the allow-list, the country rules and the Guard's
/// jails, the fraud monitors with their recent alerts, and the action log.
struct SecurityRoutes: Sendable {
    let console: WebConsole

    func add(to router: Router<ConsoleRequestContext>) {
        addBans(router)
        addAllowList(router)
        addReadOnly(router)
    }

    // MARK: - Bans

    private func addBans(_ router: Router<ConsoleRequestContext>) {
        router.get("/bans") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .operator)
            return try bansPage(request, identity: identity)
        }
        router.get("/bans/explain") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .operator)
            let target = PageSupport.query(request, "target") ?? ""
            let text = try PageSupport.run { () throws(ManagementError) in try BanCommands(session: console.management(identity)).explain(target, json: false) }
            let data: [String: Any] = [
                "heading": "Explain \(target)", "description": "Why this address is or was banned: each ban with the events that caused it.",
                "sections": [["title": "Verdict", "pre": text]],
            ]
            return console.pages.page("detail", title: "Explain \(target)", data: data, identity: identity, active: "bans")
        }
        router.post("/bans/unban") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let form = try await FormValues.form(request)
            try console.checkCSRF(identity, form: form)
            let flash: (String, String)
            do {
                flash = ("ok", try BanCommands(session: console.management(identity)).remove(form.text("target") ?? "").trimmingCharacters(in: .newlines))
            } catch {
                flash = ("error", PageSupport.message(error))
            }
            return try bansPage(request, identity: identity, flash: flash)
        }
        router.post("/bans") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let form = try await FormValues.form(request)
            try console.checkCSRF(identity, form: form)
            let flash: (String, String)
            do {
                flash = ("ok", try BanCommands(session: console.management(identity)).add(form.text("target") ?? "", duration: form.text("duration"), reason: form.text("reason")).trimmingCharacters(in: .newlines))
            } catch {
                flash = ("error", PageSupport.message(error))
            }
            return try bansPage(request, identity: identity, flash: flash)
        }
        router.get("/api/v1/bans") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .operator)
            let all = PageSupport.query(request, "all") == "true"
            return try PageSupport.paged(PageSupport.objects(try PageSupport.run { () throws(ManagementError) in try BanCommands(session: console.management(identity)).list(all: all, json: true) }), request: request)
        }
        router.get("/api/v1/bans/explain") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .operator)
            let target = PageSupport.query(request, "target") ?? ""
            return PageSupport.json(PageSupport.parse(try PageSupport.run { () throws(ManagementError) in try BanCommands(session: console.management(identity)).explain(target, json: true) }))
        }
        router.post("/api/v1/bans") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .admin)
            let form = try await FormValues.json(request)
            let output = try PageSupport.run { () throws(ManagementError) in
                try BanCommands(session: console.management(identity)).add(form.text("target") ?? "", duration: form.text("duration"), reason: form.text("reason"))
            }
            return PageSupport.json(["result": output.trimmingCharacters(in: .newlines)], status: .created)
        }
        router.delete("/api/v1/bans/:target") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .admin)
            let target = try PageSupport.parameter(context, "target")
            _ = try PageSupport.run { () throws(ManagementError) in try BanCommands(session: console.management(identity)).remove(target) }
            return Response(status: .noContent)
        }
    }

    private func bansPage(_ request: Request, identity: WebIdentity, flash: (String, String)? = nil) throws -> Response {
        let bans = PageSupport.objects(try PageSupport.run { () throws(ManagementError) in try BanCommands(session: console.management(identity)).list(all: false, json: true) })
        let admin = identity.isAdmin
        let rows: [[String: Any]] = bans.map { ban in
            let network = PageSupport.display(ban["network"])
            var actions: [[String: Any]] = [["href": "/bans/explain?target=" + PageSupport.segment(network.split(separator: "/").first.map(String.init) ?? network), "label": "Explain"]]
            if admin { actions.append(["post": "/bans/unban", "label": "Unban", "style": "danger", "hidden": [["name": "target", "value": network]]]) }
            return [
                "cells": [
                    ["text": network, "mono": true], ["text": PageSupport.display(ban["jail"])], ["text": PageSupport.display(ban["reason"])],
                    ["text": PageSupport.display(ban["startedAt"])], ["text": ban["expiresAt"].map { PageSupport.display($0) } ?? "permanent"],
                ] as [[String: Any]],
                "actions": actions, "hasActions": true,
            ]
        }
        var extra = ""
        if admin {
            extra = """
                <section class="card form-card"><h2>Ban by hand</h2>
                <form method="post" action="/bans" id="ban-form"><input type="hidden" name="_csrf" value="\(XMLText.escape(identity.csrfToken ?? ""))">
                <label for="ban-target">Address or network</label><input id="ban-target" name="target" type="text" required placeholder="203.0.113.7 or 203.0.113.0/24">
                <label for="ban-duration">Duration</label><input id="ban-duration" name="duration" type="text" placeholder="1h, 7d; empty: permanent">
                <label for="ban-reason">Reason</label><input id="ban-reason" name="reason" type="text">
                <div class="form-actions"><button type="submit" class="danger">Ban</button></div></form></section>
                """
        }
        let data: [String: Any] = [
            "heading": "Bans", "description": "Sources the Guard refuses now. Explain shows the evidence; unban lifts a ban at once.",
            "columns": ["Network", "Jail", "Reason", "Started", "Until"], "rows": rows, "rowActions": true, "columnCount": 6,
            "empty": "No bans in force.", "csrf": identity.csrfToken ?? "", "extra": extra,
            "hasFilters": true, "filters": [["name": "target", "label": "Explain an address", "type": "search", "value": "", "placeholder": "192.0.2.7"]],
        ]
        var response = console.pages.page("list", title: "Bans", data: data, identity: identity, active: "bans", flash: flash.map { (kind: $0.0, text: $0.1) })
        if request.uri.queryParameters.get("target") != nil, let target = PageSupport.query(request, "target") {
            response = Response(status: .seeOther, headers: [.location: "/bans/explain?target=" + PageSupport.segment(target)])
        }
        return response
    }

    // MARK: - Allow-list

    private func addAllowList(_ router: Router<ConsoleRequestContext>) {
        router.get("/allow") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .operator)
            return try allowPage(identity: identity)
        }
        router.post("/allow") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let form = try await FormValues.form(request)
            try console.checkCSRF(identity, form: form)
            let commands = AllowCommands(session: console.management(identity))
            let flash: (String, String)
            do {
                let output = form["remove"] != nil ? try commands.remove(form.text("network") ?? "") : try commands.add(form.text("network") ?? "", note: form.text("note"))
                flash = ("ok", output.trimmingCharacters(in: .newlines))
            } catch {
                flash = ("error", PageSupport.message(error))
            }
            return try allowPage(identity: identity, flash: flash)
        }
        router.get("/api/v1/allow") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .operator)
            return try PageSupport.paged(PageSupport.objects(try PageSupport.run { () throws(ManagementError) in try AllowCommands(session: console.management(identity)).list(json: true) }), request: request)
        }
        router.post("/api/v1/allow") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .admin)
            let form = try await FormValues.json(request)
            let output = try PageSupport.run { () throws(ManagementError) in try AllowCommands(session: console.management(identity)).add(form.text("network") ?? "", note: form.text("note")) }
            return PageSupport.json(["result": output.trimmingCharacters(in: .newlines)], status: .created)
        }
        router.delete("/api/v1/allow/:network") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .admin)
            let network = try PageSupport.parameter(context, "network")
            _ = try PageSupport.run { () throws(ManagementError) in try AllowCommands(session: console.management(identity)).remove(network) }
            return Response(status: .noContent)
        }
    }

    private func allowPage(identity: WebIdentity, flash: (String, String)? = nil) throws -> Response {
        let entries = PageSupport.objects(try PageSupport.run { () throws(ManagementError) in try AllowCommands(session: console.management(identity)).list(json: true) })
        let rows: [[String: Any]] = entries.map { entry in
            let network = PageSupport.display(entry["network"])
            let actions: [[String: Any]] = identity.isAdmin
                ? [["post": "/allow", "label": "Remove", "style": "danger", "hidden": [["name": "network", "value": network], ["name": "remove", "value": "1"]]]] : []
            return [
                "cells": [["text": network, "mono": true], ["text": PageSupport.display(entry["note"])], ["text": PageSupport.display(entry["createdBy"])],
                          ["text": PageSupport.display(entry["createdAt"])]] as [[String: Any]],
                "actions": actions, "hasActions": !actions.isEmpty,
            ]
        }
        let extra = identity.isAdmin ? """
            <section class="card form-card"><h2>Add to the allow-list</h2>
            <form method="post" action="/allow" id="allow-form"><input type="hidden" name="_csrf" value="\(XMLText.escape(identity.csrfToken ?? ""))">
            <label for="allow-network">Address or network</label><input id="allow-network" name="network" type="text" required placeholder="198.51.100.0/24">
            <label for="allow-note">Note</label><input id="allow-note" name="note" type="text">
            <div class="form-actions"><button type="submit" class="primary">Add</button></div></form></section>
            """ : ""
        let data: [String: Any] = [
            "heading": "Allow-list", "description": "Sources the Guard never bans.", "columns": ["Network", "Note", "Added by", "Added"], "rows": rows,
            "rowActions": identity.isAdmin, "columnCount": identity.isAdmin ? 5 : 4, "empty": "The allow-list is empty.", "csrf": identity.csrfToken ?? "",
            "extra": extra,
        ]
        return console.pages.page("list", title: "Allow-list", data: data, identity: identity, active: "allow", flash: flash.map { (kind: $0.0, text: $0.1) })
    }

    // MARK: - Configuration views and the action log

    private func addReadOnly(_ router: Router<ConsoleRequestContext>) {
        router.get("/countries") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .operator)
            let countries = console.configuration.guardSettings.countries
            let jails = console.configuration.guardSettings.engine.jails
            let rows: [[String: Any]] = jails.map { jail in
                ["cells": [["text": jail.name], ["text": jail.enabled ? "on" : "off", "badge": jail.enabled ? "ok" : "warn"], ["text": "\(jail.threshold)"],
                           ["text": jail.window.map { "\($0) s" } ?? "—"], ["text": jail.ban.map { "\($0) s" } ?? "report only"]] as [[String: Any]]]
            }
            let summary: [[String: Any]] = [
                ["label": "Country rule", "value": countries.isActive ? "\(countries.mode) \(countries.countries.joined(separator: ", "))" : "none"],
                ["label": "Country database", "value": countries.database ?? "none"],
                ["label": "Exceptions", "value": countries.exceptions.isEmpty ? "none" : countries.exceptions.map { "\($0)" }.joined(separator: ", ")],
                ["label": "Unknown countries", "value": countries.admitUnknown ? "admitted" : "refused"],
            ]
            let data: [String: Any] = [
                "heading": "Country rules and jails", "description": "From the configuration (guard.countries.*, guard.jails.*): change them there and reload with SIGHUP.",
                "hasSummary": true, "summary": summary, "columns": ["Jail", "State", "Threshold", "Window", "Ban"], "rows": rows, "columnCount": 5, "empty": "No jails.",
            ]
            return console.pages.page("list", title: "Country rules", data: data, identity: identity, active: "countries")
        }
        router.get("/fraud") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .operator)
            let fraud = console.configuration.fraud
            let rows: [[String: Any]] = fraud.rules.map { rule in
                ["cells": [["text": rule.name], ["text": "\(rule.scope)"], ["text": rule.warning.map { "\($0)" } ?? "—"], ["text": rule.critical.map { "\($0)" } ?? "—"]] as [[String: Any]]]
            }
            let now = console.clock()
            let alerts = try console.database.actionLog(from: now.addingTimeInterval(-7 * 86_400), to: now.addingTimeInterval(1), limit: 500)
                .filter { $0.action.hasPrefix("fraud.") || $0.action.hasPrefix("account.block") }.prefix(50)
            let items = alerts.map { "\($0.at.iso8601) \($0.action) \($0.target): \($0.reason)" }
            let list = items.isEmpty ? "<p class=\"muted\">No fraud alerts in the last 7 days.</p>"
                : "<ul class=\"plain\" id=\"fraud-alerts\">" + items.map { "<li>\(XMLText.escape($0))</li>" }.joined() + "</ul>"
            let data: [String: Any] = [
                "heading": "Fraud monitors", "description": "From the configuration (fraud.*). Monitoring is \(fraud.enabled ? "on" : "off").",
                "columns": ["Monitor", "Scope", "Warning", "Critical"], "rows": rows, "columnCount": 4, "empty": "No monitors.",
                "extra": "<section class=\"card\"><h2>Alerts and blocks, last 7 days</h2>\(list)</section>",
            ]
            return console.pages.page("list", title: "Fraud monitors", data: data, identity: identity, active: "fraud")
        }
        router.get("/actions") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .operator)
            let entries = try actionLog(request)
            let rows: [[String: Any]] = entries.map { entry in
                [
                    "flagged": entry.hackingAttempt,
                    "cells": [
                        ["text": entry.at.formatted(date: .abbreviated, time: .standard)], ["text": entry.actor], ["text": entry.source, "mono": true],
                        ["text": entry.action, "badge": entry.hackingAttempt ? "danger" : "info"], ["text": entry.target], ["text": entry.reason],
                        ["text": entry.details.isEmpty ? "—" : entry.details.keys.sorted().map { "\($0): \(Self.detail(entry.details[$0]))" }.joined(separator: "; ")],
                    ] as [[String: Any]],
                ]
            }
            let data: [String: Any] = [
                "heading": "Action log", "description": "Every change by the console, the API, the CLI and the switch itself; refused accesses are flagged as hacking attempts.",
                "columns": ["When", "Who", "From", "Action", "Target", "Reason", "Details"], "rows": rows, "columnCount": 7, "empty": "Nothing logged in this period.",
                "hasFilters": true,
                "filters": [
                    ["name": "from", "label": "From", "type": "text", "value": PageSupport.query(request, "from") ?? "", "placeholder": "2026-11-01"],
                    ["name": "to", "label": "To", "type": "text", "value": PageSupport.query(request, "to") ?? "", "placeholder": "now"],
                    ["name": "hacking", "label": "Only hacking attempts", "isSelect": true,
                     "options": [["value": "", "label": "no"], ["value": "1", "label": "yes", "selected": PageSupport.query(request, "hacking") == "1"]]],
                ],
            ]
            return console.pages.page("list", title: "Action log", data: data, identity: identity, active: "actions")
        }
        router.get("/api/v1/actions") { request, context -> Response in
            _ = try console.requireAPI(request, context: context, role: .operator)
            return try PageSupport.paged(try actionLog(request).map(Self.json), request: request)
        }
    }

    private func actionLog(_ request: Request) throws -> [ActionLogEntry] {
        var from: Date?
        var to: Date?
        do {
            if let text = PageSupport.query(request, "from") { from = try OptionValue.date(text, option: "from") }
            if let text = PageSupport.query(request, "to") { to = try OptionValue.date(text, option: "to") }
        } catch {
            throw PageSupport.problem(error)
        }
        var entries = try console.database.actionLog(from: from, to: to, limit: 1_000)
        if PageSupport.query(request, "hacking") == "1" { entries = entries.filter(\.hackingAttempt) }
        return entries
    }

    static func detail(_ value: ActionLogValue?) -> String {
        switch value {
        case .text(let text): text
        case .number(let number): String(number)
        case .list(let list): list.joined(separator: ", ")
        case nil: "—"
        }
    }

    static func json(_ entry: ActionLogEntry) -> [String: Any] {
        [
            "id": entry.id.map { NSNumber(value: $0) } ?? NSNull(), "at": entry.at.iso8601, "actor": entry.actor, "source": entry.source, "action": entry.action,
            "target": entry.target, "reason": entry.reason, "hackingAttempt": entry.hackingAttempt,
            "details": entry.details.mapValues { value -> Any in
                switch value {
                case .text(let text): text
                case .number(let number): NSNumber(value: number)
                case .list(let list): list
                }
            },
        ]
    }
}
