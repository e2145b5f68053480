import Storage

/// Who is asking: a console user by session cookie, or an API key. Roles are ordered:
/// a customer reads its own account only, an operator reads everything, an admin changes.
struct WebIdentity: Sendable {
    enum Role: Int, Comparable, Sendable {
        case customer = 0
        case `operator` = 1
        case admin = 2

        static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }

        init(_ role: ConsoleUser.Role) {
            switch role {
            case .admin: self = .admin
            case .operator_: self = .operator
            case .customer: self = .customer
            }
        }

        init(_ role: APIKey.Role) {
            self = role == .admin ? .admin : .operator
        }

        var name: String {
            switch self {
            case .admin: "admin"
            case .operator: "operator"
            case .customer: "customer"
            }
        }
    }

    let name: String
    let role: Role
    /// A customer's account: everything it sees is filtered to it.
    let accountId: Int64?
    let userId: Int64?
    /// The session's token hash and CSRF token; nil for API keys (which need no CSRF token:
    /// a browser never sends them by itself).
    let sessionTokenHash: String?
    let csrfToken: String?
    let source: String

    var viaAPIKey: Bool { sessionTokenHash == nil }
    /// The action log's actor.
    var actor: String { (viaAPIKey ? "api:" : "console:") + name }
    var isAdmin: Bool { role == .admin }
}
