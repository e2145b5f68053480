import Console
import Foundation
import Storage

/// `sipwarden apikey ...`: keys of the event channel (and the API to come). A key is shown
/// once, when made; only its SHA-256 is stored, and neither goes into the action log.
public struct APIKeyCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    public func add(_ name: String, role: String?) throws(ManagementError) -> String {
        let name = try AccountCommands.checkedName(name, option: "name")
        let role: APIKey.Role = try role.map { text throws(ManagementError) in
            guard let role = APIKey.Role(rawValue: text.lowercased()) else {
                throw .usage("--role: expected admin or operator, got \"\(PrintableText.escape(text))\"")
            }
            return role
        } ?? .operator_
        let key = APIKeyCheck.makeKey()
        let stored = APIKey(name: name, role: role, keyHash: APIKeyCheck.hash(key), createdAt: session.now)
        _ = try session.storage {
            try session.database.insert(stored) { stored in
                session.logEntry(action: "apikey.add", target: "API key \(name)", reason: "role \(role.rawValue)", after: Self.json(stored))
            }
        }
        return """
            created API key \(PrintableText.escape(name)) (role \(role.rawValue)); it is shown only now:
            \(key)

            """
    }

    public func list(json: Bool) throws(ManagementError) -> String {
        let keys = try session.storage { try session.database.apiKeys() }
        if json {
            return JSONValue.array(keys.map(Self.json)).serialized() + "\n"
        }
        var table = TextTable(["NAME", "ROLE", "CREATED", "LAST USED"])
        for key in keys {
            table.append([key.name, key.role.rawValue, key.createdAt.iso8601, key.lastUsedAt.map(\.iso8601) ?? "never"])
        }
        return table.render()
    }

    public func remove(_ name: String) throws(ManagementError) -> String {
        let key = try session.storage { try session.database.apiKeys().first { $0.name == name } }
        let log = session.logEntry(action: "apikey.remove", target: "API key \(name)", before: key.map(Self.json))
        try session.storage { try session.database.removeAPIKey(named: name, log: log) }
        return "removed API key \(PrintableText.escape(name))\n"
    }

    /// A key as listed: its name and role, never the key or its hash.
    static func json(_ key: APIKey) -> JSONValue {
        .object([
            ("name", .string(key.name)), ("role", .string(key.role.rawValue)), ("createdAt", .string(key.createdAt.iso8601)),
            ("lastUsedAt", .string(key.lastUsedAt.map(\.iso8601))),
        ])
    }
}
