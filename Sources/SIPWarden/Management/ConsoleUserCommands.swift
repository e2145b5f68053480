import Foundation
import HummingbirdBcrypt
import Storage

/// `sipwarden admin ...`: the people who log in to the web console. There is no default
/// password: `create` prints a one-time password it made, or reads one from standard
/// input; only a bcrypt hash is stored. Roles: admin, operator (reads only), customer
/// (one account's devices and calls).
public struct ConsoleUserCommands: Sendable {
    public let session: ManagementSession
    /// bcrypt's cost (2^cost rounds); lower only in tests.
    let cost: UInt8

    public init(session: ManagementSession, cost: UInt8 = 12) {
        self.session = session
        self.cost = cost
    }

    /// Why a user name is refused, or nil: 1 to 64 letters, digits, `.`, `_`, `-`, `@`.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty || name.count > 64 { return "it must have 1 to 64 characters" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")
        if !name.allSatisfy(allowed.contains) { return "use letters, digits, '.', '_', '-' and '@' only" }
        return nil
    }

    public func create(_ name: String, role text: String?, account reference: String?, password source: PasswordSource?) throws(ManagementError) -> String {
        if let problem = Self.nameProblem(name) { throw .usage("user name refused: \(problem)") }
        let role: ConsoleUser.Role = try text.map { (text: String) throws(ManagementError) -> ConsoleUser.Role in
            guard let role = ConsoleUser.Role(rawValue: text.lowercased()) else {
                throw .usage("--role: expected admin, operator or customer, got \"\(PrintableText.escape(text))\"")
            }
            return role
        } ?? .admin
        var accountId: Int64?
        switch (role, reference) {
        case (.customer, .some(let reference)): accountId = try session.account(reference).id
        case (.customer, .none): throw .usage("a customer needs --account")
        case (_, .some): throw .usage("--account is for customers only")
        case (_, .none): break
        }
        if try session.storage({ try session.database.consoleUser(named: name) }) != nil { throw .refused("console user \(name) already exists") }
        var generated: String?
        let password: String
        if let source, source != .generate {
            password = try source.read()
            if let problem = ConsolePasswordPolicy.problem(password, name: name) { throw .refused("password refused: \(problem)") }
        } else {
            password = Self.oneTimePassword(name: name)
            generated = password
        }
        let user = ConsoleUser(name: name, role: role, accountId: accountId, passwordHash: Bcrypt.hash(password, cost: cost), createdAt: session.now)
        _ = try session.storage { try session.database.insert(user, log: entry("user.add", name: name, reason: "role \(role.rawValue)")) }
        let intro = "created console user \(name) (role \(role.rawValue)); two-factor login is set up at the first login"
        guard let generated else { return intro + "\n" }
        return "\(intro)\none-time password (shown only now):\n\(generated)\n"
    }

    /// 20 characters meeting the console's policy.
    static func oneTimePassword(name: String) -> String {
        var random = SystemRandomNumberGenerator()
        while true {
            let candidate = PasswordGenerator.generate(length: 20, using: &random)
            if ConsolePasswordPolicy.problem(candidate, name: name) == nil { return candidate }
        }
    }

    public func list(json: Bool) throws(ManagementError) -> String {
        let (users, accounts) = try session.storage { () throws -> ([ConsoleUser], [Int64: String]) in
            (try session.database.consoleUsers(), Dictionary(try session.database.accounts().map { ($0.id ?? 0, $0.name) }, uniquingKeysWith: { a, _ in a }))
        }
        if json {
            return JSONValue.array(users.map { Self.json($0, account: $0.accountId.flatMap { accounts[$0] }) }).serialized() + "\n"
        }
        var table = TextTable(["NAME", "ROLE", "ACCOUNT", "TWO-FACTOR", "LAST LOGIN"])
        for user in users {
            table.append([
                user.name, user.role.rawValue, user.accountId.flatMap { accounts[$0] } ?? "-", user.totpConfirmed ? "on" : "not set up",
                user.lastLoginAt.map { "\($0.iso8601) from \(user.lastLoginSource ?? "?")" } ?? "never",
            ])
        }
        return table.render()
    }

    static func json(_ user: ConsoleUser, account: String?) -> JSONValue {
        .object([
            ("name", .string(user.name)), ("role", .string(user.role.rawValue)), ("account", .string(account)),
            ("twoFactor", .bool(user.totpConfirmed)), ("recoveryCodesLeft", .integer(Int64(user.recoveryCodes.count))),
            ("createdAt", .string(user.createdAt.iso8601)), ("lastLoginAt", .string(user.lastLoginAt.map(\.iso8601))),
            ("lastLoginSource", .string(user.lastLoginSource)),
        ])
    }

    public func remove(_ name: String) throws(ManagementError) -> String {
        try session.storage { try session.database.removeConsoleUser(named: name, log: entry("user.remove", name: name, reason: "removed")) }
        return "removed console user \(PrintableText.escape(name))\n"
    }

    /// For a lost phone: the next login sets up a new second factor. Logs the user out.
    public func resetTwoFactor(_ name: String) throws(ManagementError) -> String {
        guard var user = try session.storage({ try session.database.consoleUser(named: name) }) else {
            throw .refused("console user \(PrintableText.escape(name)) not found")
        }
        user.totpSecret = nil
        user.totpConfirmed = false
        user.recoveryCodes = []
        try session.storage {
            try session.database.update(user, endingSessions: true, log: entry("user.reset_2fa", name: name, reason: "second factor reset; sessions ended"))
        }
        return "two-factor login of \(PrintableText.escape(name)) reset: it is set up again at the next login\n"
    }

    /// The action log line of a change, written in the change's own transaction.
    private func entry(_ action: String, name: String, reason: String) -> ActionLogEntry {
        ActionLogEntry(at: session.now, actor: session.actor, source: session.source, action: action, target: "console user \(name)", reason: reason)
    }
}
