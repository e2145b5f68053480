import Console
import Foundation
import Hummingbird

/// Pages and API routes of the managed resources: list (search, pages), detail, create,
/// change, delete with confirmation. Reads need the operator role (customers: their own
/// devices and account only), changes the admin role; each change is logged by the
/// management command under the user's name and address.
struct ResourceRoutes: Sendable {
    let console: WebConsole

    func add(to router: Router<ConsoleRequestContext>) {
        for resource in ResourceCatalog.all {
            addPages(resource, to: router)
            addAPI(resource, to: router)
        }
    }

    // MARK: - Reading

    /// The items `identity` may see.
    func items(_ resource: ManagedResource, identity: WebIdentity) throws -> [[String: Any]] {
        let all: [[String: Any]]
        do {
            all = PageSupport.objects(try resource.list(console.management(identity)))
        } catch {
            throw PageSupport.problem(error)
        }
        guard identity.role == .customer else { return all }
        guard let key = resource.customerAccountKey, let account = identity.accountId else { return [] }
        return all.filter { ($0[key] as? NSNumber)?.int64Value == account }
    }

    /// The minimum role to read a resource: customers may read their devices and account.
    static func readRole(_ resource: ManagedResource) -> WebIdentity.Role {
        resource.customerAccountKey == nil ? .operator : .customer
    }

    /// One item, or a refusal (a customer asking for another account's is a hacking attempt).
    func item(_ resource: ManagedResource, key: String, identity: WebIdentity, request: Request, context: ConsoleRequestContext) throws -> [String: Any] {
        if identity.role == .customer {
            guard try items(resource, identity: identity).contains(where: { resource.key($0) == key }) else {
                throw console.refuse(identity, request: request, context: context, what: "\(resource.singular) \(key)")
            }
        }
        guard let show = resource.show else {
            guard let found = try items(resource, identity: identity).first(where: { resource.key($0) == key }) else {
                throw Problem.notFound("\(resource.singular) \(key) not found")
            }
            return found
        }
        do {
            return PageSupport.parse(try show(console.management(identity), key, FormValues(values: [:]))) as? [String: Any] ?? [:]
        } catch {
            throw PageSupport.problem(error)
        }
    }

    // MARK: - Pages

    private func addPages(_ resource: ManagedResource, to router: Router<ConsoleRequestContext>) {
        let base = "/" + resource.id
        router.get(RouterPath(base)) { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: Self.readRole(resource))
            return try listPage(resource, identity: identity, request: request)
        }
        router.get(RouterPath(base + "/new")) { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            return formPage(resource, identity: identity, key: nil, values: [:], error: nil)
        }
        router.post(RouterPath(base)) { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let form = try await FormValues.form(request)
            try console.checkCSRF(identity, form: form)
            do {
                let output = try resource.create(console.management(identity), form)
                return try listPage(resource, identity: identity, request: request, flash: ("ok", output.trimmingCharacters(in: .whitespacesAndNewlines)))
            } catch {
                return formPage(resource, identity: identity, key: nil, values: form.values, error: PageSupport.message(error))
            }
        }
        router.get(RouterPath(base + "/:key")) { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: Self.readRole(resource))
            let key = try PageSupport.parameter(context, "key")
            let found = try item(resource, key: key, identity: identity, request: request, context: context)
            return detailPage(resource, key: key, item: found, identity: identity)
        }
        router.get(RouterPath(base + "/:key/edit")) { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let key = try PageSupport.parameter(context, "key")
            guard resource.update != nil else { throw HTTPError(.notFound) }
            let found = try item(resource, key: key, identity: identity, request: request, context: context)
            var values: [String: String] = [:]
            for field in resource.fields where field.kind != .password && field.kind != .checkbox {
                if let value = found[field.name] { values[field.name] = PageSupport.display(value).replacingOccurrences(of: "—", with: "") }
            }
            return formPage(resource, identity: identity, key: key, values: values, error: nil)
        }
        router.post(RouterPath(base + "/:key")) { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let key = try PageSupport.parameter(context, "key")
            guard let update = resource.update else { throw HTTPError(.notFound) }
            let form = try await FormValues.form(request)
            try console.checkCSRF(identity, form: form)
            do {
                let output = try update(console.management(identity), key, form)
                let newKey = form.text("name").flatMap { resource.id == "accounts" ? $0 : nil } ?? key
                let found = try item(resource, key: newKey, identity: identity, request: request, context: context)
                return detailPage(resource, key: newKey, item: found, identity: identity, flash: ("ok", output.trimmingCharacters(in: .whitespacesAndNewlines)))
            } catch let error as ManagementError {
                return formPage(resource, identity: identity, key: key, values: form.values, error: PageSupport.message(error))
            }
        }
        router.get(RouterPath(base + "/:key/delete")) { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let key = try PageSupport.parameter(context, "key")
            return console.pages.page(
                "confirm", title: "Delete \(resource.singular)",
                data: [
                    "heading": "Delete \(resource.singular) \(key)?", "text": Self.deleteWarning(resource), "action": "\(base)/\(PageSupport.segment(key))/delete",
                    "csrf": identity.csrfToken ?? "", "submit": "Delete", "cancel": base, "hidden": [] as [Any],
                ],
                identity: identity, active: resource.id)
        }
        router.post(RouterPath(base + "/:key/delete")) { request, context -> Response in
            let identity = try console.requirePage(request, context: context, role: .admin)
            let key = try PageSupport.parameter(context, "key")
            let form = try await FormValues.form(request)
            try console.checkCSRF(identity, form: form)
            do {
                let output = try resource.remove(console.management(identity), key)
                return try listPage(resource, identity: identity, request: request, flash: ("ok", output.trimmingCharacters(in: .whitespacesAndNewlines)))
            } catch {
                return try listPage(resource, identity: identity, request: request, flash: ("error", PageSupport.message(error)))
            }
        }
    }

    static func deleteWarning(_ resource: ManagedResource) -> String {
        switch resource.id {
        case "accounts": "Its devices, their registrations and DIDs go with it. Call records stay."
        case "devices": "Its registrations and DIDs go with it; its account stays. Call records stay."
        case "providers": "Its routes go with it."
        default: "This cannot be undone."
        }
    }

    private func listPage(_ resource: ManagedResource, identity: WebIdentity, request: Request, flash: (String, String)? = nil) throws -> Response {
        var all = try items(resource, identity: identity)
        let search = PageSupport.query(request, "q")
        if let search {
            let needle = search.lowercased()
            all = all.filter { item in resource.columns.contains { PageSupport.display(item[$0.key]).lowercased().contains(needle) } }
        }
        let offset = max(0, Int(PageSupport.query(request, "offset") ?? "") ?? 0)
        let pageSize = 50
        let shown = offset < all.count ? Array(all[offset..<min(all.count, offset + pageSize)]) : []
        let admin = identity.isAdmin
        let rows: [[String: Any]] = shown.map { item in
            let key = resource.key(item)
            let link = "/\(resource.id)/\(PageSupport.segment(key))"
            var cells: [[String: Any]] = []
            for (index, column) in resource.columns.enumerated() {
                var cell: [String: Any] = ["text": PageSupport.display(item[column.key])]
                if index == 0, resource.hasDetail { cell["href"] = link }
                if column.key == "blocked" || column.key == "enabled" {
                    let on = (item[column.key] as? Bool) ?? false
                    cell["badge"] = column.key == "blocked" ? (on ? "danger" : "ok") : (on ? "ok" : "warn")
                }
                cells.append(cell)
            }
            var actions: [[String: Any]] = []
            if admin, resource.update != nil { actions.append(["href": link + "/edit", "label": "Edit"]) }
            if admin { actions.append(["href": link + "/delete", "label": "Delete"]) }
            return ["cells": cells, "actions": actions, "hasActions": !actions.isEmpty]
        }
        var data: [String: Any] = [
            "heading": resource.title, "description": resource.description, "columns": resource.columns.map(\.title), "rows": rows,
            "rowActions": admin, "columnCount": resource.columns.count + (admin ? 1 : 0),
            "empty": search == nil ? "No \(resource.title.lowercased()) yet." : "Nothing matches.", "csrf": identity.csrfToken ?? "",
            "hasFilters": true,
            "filters": [["name": "q", "label": "Search", "type": "search", "value": search ?? "", "placeholder": "Any column…"]],
        ]
        if admin { data["newHref"] = "/\(resource.id)/new"; data["newLabel"] = "New \(resource.singular)" }
        if all.count > pageSize {
            var pager: [String: Any] = ["info": "\(offset + 1)–\(offset + shown.count) of \(all.count)"]
            let q = search.map { "&q=" + PageSupport.segment($0) } ?? ""
            if offset > 0 { pager["previous"] = "/\(resource.id)?offset=\(max(0, offset - pageSize))\(q)" }
            if offset + pageSize < all.count { pager["next"] = "/\(resource.id)?offset=\(offset + pageSize)\(q)" }
            data["pager"] = pager
        }
        return console.pages.page("list", title: resource.title, data: data, identity: identity, active: resource.id, flash: flash.map { (kind: $0.0, text: $0.1) })
    }

    private func formPage(_ resource: ManagedResource, identity: WebIdentity, key: String?, values: [String: String], error: String?) -> Response {
        let editing = key != nil
        let fields: [[String: Any]] = resource.fields.filter { editing ? !$0.createOnly : !$0.editOnly }.map { field in
            var entry: [String: Any] = [
                "name": field.name, "label": field.label, "type": field.kind == .number ? "text" : field.kind.rawValue,
                "value": field.kind == .password ? "" : (values[field.name] ?? ""), "required": field.required && !editing,
                "isCheckbox": field.kind == .checkbox, "isSelect": field.kind == .select, "checked": values[field.name] == "on",
            ]
            if let help = field.help { entry["help"] = help }
            if field.kind == .select {
                entry["options"] = field.options.map { option in
                    ["value": option, "label": option.isEmpty ? (editing ? "(unchanged)" : "(default)") : option, "selected": values[field.name] == option]
                }
            }
            return entry
        }
        let action = editing ? "/\(resource.id)/\(PageSupport.segment(key ?? ""))" : "/\(resource.id)"
        var data: [String: Any] = [
            "heading": editing ? "Edit \(resource.singular) \(key ?? "")" : "New \(resource.singular)", "action": action, "csrf": identity.csrfToken ?? "",
            "fields": fields, "submit": editing ? "Save" : "Create", "cancel": "/\(resource.id)",
            "description": editing ? "Empty fields stay as they are." : resource.description,
        ]
        if let error { data["error"] = error }
        return console.pages.page(
            "form", title: data["heading"] as? String ?? resource.title, data: data, identity: identity, active: resource.id,
            status: error == nil ? .ok : .badRequest)
    }

    private func detailPage(_ resource: ManagedResource, key: String, item: [String: Any], identity: WebIdentity, flash: (String, String)? = nil) -> Response {
        let fields: [[String: Any]] = item.keys.sorted().filter { !$0.hasSuffix("Micros") }.map { name in
            ["label": PageSupport.label(name), "value": PageSupport.display(item[name])]
        }
        var data: [String: Any] = [
            "heading": "\(resource.singular.capitalized) \(key)", "sections": [["title": "Details", "fields": fields, "hasFields": !fields.isEmpty]],
        ]
        if identity.isAdmin {
            if resource.update != nil { data["editHref"] = "/\(resource.id)/\(PageSupport.segment(key))/edit" }
            data["deleteHref"] = "/\(resource.id)/\(PageSupport.segment(key))/delete"
        }
        return console.pages.page(
            "detail", title: "\(resource.singular) \(key)", data: data, identity: identity, active: resource.id, flash: flash.map { (kind: $0.0, text: $0.1) })
    }

    // MARK: - API

    private func addAPI(_ resource: ManagedResource, to router: Router<ConsoleRequestContext>) {
        let base = "/api/v1/" + resource.id
        router.get(RouterPath(base)) { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: Self.readRole(resource))
            return try PageSupport.paged(try items(resource, identity: identity), request: request)
        }
        router.get(RouterPath(base + "/:key")) { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: Self.readRole(resource))
            return PageSupport.json(try item(resource, key: try PageSupport.parameter(context, "key"), identity: identity, request: request, context: context))
        }
        router.post(RouterPath(base)) { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .admin)
            let form = try await FormValues.json(request)
            do {
                let output = try resource.create(console.management(identity), form)
                return PageSupport.json(["result": output.trimmingCharacters(in: .whitespacesAndNewlines)], status: .created)
            } catch {
                throw PageSupport.problem(error)
            }
        }
        router.patch(RouterPath(base + "/:key")) { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .admin)
            guard let update = resource.update else {
                throw Problem(.methodNotAllowed, type: "not-changeable", title: "Method Not Allowed", detail: "\(resource.title) are added and removed, not changed")
            }
            let form = try await FormValues.json(request)
            do {
                let output = try update(console.management(identity), try PageSupport.parameter(context, "key"), form)
                return PageSupport.json(["result": output.trimmingCharacters(in: .whitespacesAndNewlines)])
            } catch let error as ManagementError {
                throw PageSupport.problem(error)
            }
        }
        router.delete(RouterPath(base + "/:key")) { request, context -> Response in
            let identity = try console.requireAPI(request, context: context, role: .admin)
            do {
                _ = try resource.remove(console.management(identity), try PageSupport.parameter(context, "key"))
                return Response(status: .noContent)
            } catch {
                throw PageSupport.problem(error)
            }
        }
    }
}
