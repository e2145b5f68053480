import Console
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The console's pages: swift-mustache templates compiled into the binary, each page
/// rendered into the layout. `{{x}}` escapes HTML (& < > " '), so everything from the
/// network is shown as text; `{{{x}}}` is used only for markup the server made itself
/// (a rendered template, an SVG chart or QR code that escape their own texts).
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static let templates: [(String, [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("login", PackageResources.login_mustache),
        ("enrol", PackageResources.enrol_mustache), ("recovery", PackageResources.recovery_mustache),
        ("message", PackageResources.message_mustache), ("list", PackageResources.list_mustache),
        ("form", PackageResources.form_mustache), ("detail", PackageResources.detail_mustache),
        ("confirm", PackageResources.confirm_mustache), ("dashboard", PackageResources.dashboard_mustache),
    ]

    init() throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, bytes) in Self.templates {
            templates[name] = try MustacheTemplate(string: String(decoding: bytes, as: UTF8.self))
        }
        library = MustacheLibrary(templates: templates)
    }

    /// A whole page: `template` with `data`, inside the layout with the navigation the
    /// identity may use.
    func page(
        _ template: String, title: String, data: [String: Any], identity: WebIdentity?, active: String = "",
        flash: (kind: String, text: String)? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let content = library.render(data, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "content": content]
        if let identity {
            layout["user"] = [
                "name": identity.name, "role": identity.role.name, "csrf": identity.csrfToken ?? "",
                "nav": Navigation.items(for: identity.role, active: active),
            ] as [String: Any]
        }
        if let flash { layout["flash"] = ["kind": flash.kind, "text": flash.text] }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The sidebar: what each role may open.
enum Navigation {
    struct Item {
        let id: String
        let label: String
        let href: String
        let role: WebIdentity.Role
        let heading: String?
    }

    static let all: [Item] = [
        Item(id: "dashboard", label: "Dashboard", href: "/dashboard", role: .operator, heading: nil),
        Item(id: "my", label: "My account", href: "/my", role: .customer, heading: nil),
        Item(id: "accounts", label: "Accounts", href: "/accounts", role: .operator, heading: "Customers"),
        Item(id: "devices", label: "Devices", href: "/devices", role: .customer, heading: nil),
        Item(id: "dids", label: "DIDs", href: "/dids", role: .operator, heading: nil),
        Item(id: "providers", label: "Providers", href: "/providers", role: .operator, heading: "Routing"),
        Item(id: "routes", label: "Routes", href: "/routes", role: .operator, heading: nil),
        Item(id: "rates", label: "Rates", href: "/rates", role: .operator, heading: nil),
        Item(id: "cdrs", label: "Calls", href: "/cdrs", role: .customer, heading: "Traffic"),
        Item(id: "reports", label: "Reports", href: "/reports/calls", role: .operator, heading: nil),
        Item(id: "bans", label: "Bans", href: "/bans", role: .operator, heading: "Security"),
        Item(id: "allow", label: "Allow-list", href: "/allow", role: .operator, heading: nil),
        Item(id: "countries", label: "Country rules", href: "/countries", role: .operator, heading: nil),
        Item(id: "fraud", label: "Fraud monitors", href: "/fraud", role: .operator, heading: nil),
        Item(id: "actions", label: "Action log", href: "/actions", role: .operator, heading: nil),
        Item(id: "users", label: "Console users", href: "/users", role: .admin, heading: "Administration"),
        Item(id: "apikeys", label: "API keys", href: "/apikeys", role: .admin, heading: nil),
    ]

    static func items(for role: WebIdentity.Role, active: String) -> [[String: Any]] {
        var result: [[String: Any]] = []
        for item in all {
            // Customers see their own pages; staff see the rest (not "My account").
            if role == .customer ? item.role != .customer : (item.role > role || item.id == "my") { continue }
            if let heading = item.heading, role != .customer { result.append(["heading": heading]) }
            result.append(["id": item.id, "label": item.label, "href": item.href, "active": item.id == active])
        }
        return result
    }
}
