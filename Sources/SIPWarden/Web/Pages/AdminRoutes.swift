import Console
import Foundation
import Hummingbird
import Storage

/// Console users and API keys (admins only), a customer's own page, and `/api/v1/me`.
struct AdminRoutes: Sendable {
    let console: WebConsole

    func add(to router: Router<ConsoleRequestContext>) {
        router.get("/users") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            return try usersPage(identity)
        }
        router.post("/users") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let form = try await FormValues.form(request)
            try console.checkCSRF(identity, form: form)
            let commands = ConsoleUserCommands(session: console.management(identity), cost: console.bcryptCost)
            let flash: (String, String)
            do {
                let name = form.text("name") ?? ""
                if form["remove"] != nil {
                    guard name != identity.name else { throw ManagementError.refused("you cannot remove yourself") }
                    flash = ("ok", try commands.remove(name))
                } else if form["reset"] != nil {
                    flash = ("ok", try commands.resetTwoFactor(name))
                } else {
                    let password = form["password"] ?? ""
                    flash = ("ok", try commands.create(name, role: form.text("role"), account: form.text("account"), password: password.isEmpty ? .generate : .value(password)))
                }
            } catch let error as ManagementError {
                flash = ("error", PageSupport.message(error))
            }
            return try usersPage(identity, flash: (flash.0, flash.1.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        router.get("/apikeys") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            return try keysPage(identity)
        }
        router.post("/apikeys") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let form = try await FormValues.form(request)
            try console.checkCSRF(identity, form: form)
            let commands = APIKeyCommands(session: console.management(identity))
            let flash: (String, String)
            do {
                flash = ("ok", form["remove"] != nil ? try commands.remove(form.text("name") ?? "") : try commands.add(form.text("name") ?? "", role: form.text("role")))
            } catch {
                flash = ("error", PageSupport.message(error))
            }
            return try keysPage(identity, flash: (flash.0, flash.1.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        router.get("/my") { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .customer)
            guard identity.role == .customer, let accountId = identity.accountId else { throw Redirect(location: "/dashboard") }
            guard let account = try console.database.account(id: accountId) else { throw Problem.notFound("your account is gone") }
            let shown = PageSupport.parse((try? AccountCommands(session: console.management(identity)).show(account.name, json: true)) ?? "{}") as? [String: Any] ?? [:]
            let fields: [[String: Any]] = ["name", "billing", "balance", "creditLimit", "maxCalls", "blocked", "blockedReason", "devices"].map {
                ["label": $0, "value": PageSupport.display(shown[$0])]
            }
            let data: [String: Any] = [
                "heading": "Account \(account.name)", "description": "Your devices and calls are in the menu.",
                "sections": [["title": "Account", "fields": fields, "hasFields": true]],
            ]
            return console.pages.page("detail", title: "My account", data: data, identity: identity, active: "my")
        }
        router.get("/api/v1/me") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .customer)
            return PageSupport.json([
                "name": identity.name, "role": identity.role.name, "via": identity.viaAPIKey ? "api-key" : "session",
                "accountId": identity.accountId.map { NSNumber(value: $0) } ?? NSNull(),
            ])
        }
        router.get("/api/v1/users") { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .admin)
            let text = try PageSupport.run { () throws(ManagementError) in try ConsoleUserCommands(session: console.management(identity)).list(json: true) }
            return try PageSupport.paged(PageSupport.objects(text), request: request)
        }
    }

    private func usersPage(_ identity: WebIdentity, flash: (String, String)? = nil) throws -> Response {
        let users = PageSupport.objects(try PageSupport.run { () throws(ManagementError) in try ConsoleUserCommands(session: console.management(identity)).list(json: true) })
        let rows: [[String: Any]] = users.map { user in
            let name = PageSupport.display(user["name"])
            return [
                "cells": [["text": name], ["text": PageSupport.display(user["role"])], ["text": PageSupport.display(user["account"])],
                          ["text": (user["twoFactor"] as? Bool) == true ? "on" : "not set up", "badge": (user["twoFactor"] as? Bool) == true ? "ok" : "warn"],
                          ["text": PageSupport.display(user["lastLoginAt"])], ["text": PageSupport.display(user["lastLoginSource"]), "mono": true]] as [[String: Any]],
                "actions": [
                    ["post": "/users", "label": "Reset 2FA", "style": "", "hidden": [["name": "name", "value": name], ["name": "reset", "value": "1"]]],
                    ["post": "/users", "label": "Remove", "style": "danger", "hidden": [["name": "name", "value": name], ["name": "remove", "value": "1"]]],
                ] as [[String: Any]],
                "hasActions": true,
            ]
        }
        let csrf = XMLText.escape(identity.csrfToken ?? "")
        let extra = """
            <section class="card form-card"><h2>New console user</h2>
            <form method="post" action="/users" id="user-form"><input type="hidden" name="_csrf" value="\(csrf)">
            <label for="user-name">User name</label><input id="user-name" name="name" type="text" required>
            <label for="user-role">Role</label><select id="user-role" name="role"><option value="operator">operator (reads only)</option><option value="admin">admin</option><option value="customer">customer</option></select>
            <label for="user-account">Account (customers)</label><input id="user-account" name="account" type="text">
            <label for="user-password">Password</label><input id="user-password" name="password" type="password" autocomplete="new-password">
            <p class="help">12+ characters with letters, digits and other characters. Empty: a one-time password is made and shown once.</p>
            <div class="form-actions"><button type="submit" class="primary">Create</button></div></form></section>
            """
        let data: [String: Any] = [
            "heading": "Console users", "description": "Admins change everything; operators read; customers see their own account.",
            "columns": ["Name", "Role", "Account", "Two-factor", "Last login", "From"], "rows": rows, "rowActions": true, "columnCount": 7,
            "empty": "No users.", "csrf": identity.csrfToken ?? "", "extra": extra,
        ]
        return console.pages.page("list", title: "Console users", data: data, identity: identity, active: "users", flash: flash.map { (kind: $0.0, text: $0.1) })
    }

    private func keysPage(_ identity: WebIdentity, flash: (String, String)? = nil) throws -> Response {
        let keys = PageSupport.objects(try PageSupport.run { () throws(ManagementError) in try APIKeyCommands(session: console.management(identity)).list(json: true) })
        let rows: [[String: Any]] = keys.map { key in
            let name = PageSupport.display(key["name"])
            return [
                "cells": [["text": name], ["text": PageSupport.display(key["role"])], ["text": PageSupport.display(key["createdAt"])],
                          ["text": PageSupport.display(key["lastUsedAt"])]] as [[String: Any]],
                "actions": [["post": "/apikeys", "label": "Remove", "style": "danger", "hidden": [["name": "name", "value": name], ["name": "remove", "value": "1"]]]] as [[String: Any]],
                "hasActions": true,
            ]
        }
        let extra = """
            <section class="card form-card"><h2>New API key</h2>
            <form method="post" action="/apikeys" id="apikey-form"><input type="hidden" name="_csrf" value="\(XMLText.escape(identity.csrfToken ?? ""))">
            <label for="key-name">Name</label><input id="key-name" name="name" type="text" required>
            <label for="key-role">Role</label><select id="key-role" name="role"><option value="operator">operator (reads only)</option><option value="admin">admin</option></select>
            <p class="help">The key is shown once; only its SHA-256 is stored. Clients send Authorization: Bearer KEY.</p>
            <div class="form-actions"><button type="submit" class="primary">Create</button></div></form></section>
            """
        let data: [String: Any] = [
            "heading": "API keys", "description": "Keys of the JSON API and the event channel.", "columns": ["Name", "Role", "Created", "Last used"], "rows": rows,
            "rowActions": true, "columnCount": 5, "empty": "No API keys.", "csrf": identity.csrfToken ?? "", "extra": extra,
        ]
        return console.pages.page("list", title: "API keys", data: data, identity: identity, active: "apikeys", flash: flash.map { (kind: $0.0, text: $0.1) })
    }
}
