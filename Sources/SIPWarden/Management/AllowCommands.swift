import Foundation
import SecurityEvents
import Storage

/// `sipwarden allow ...`: the networks the Guard never bans, and that `ban add` refuses. Each
/// change is written to the action log in its own transaction.
public struct AllowCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// Adding a network does not lift the bans it overlaps: the output names them, so that
    /// the operator decides.
    public func add(_ target: String, note: String?) throws(ManagementError) -> String {
        let network = try BanCommands.network(target)
        let noteText = try note.map { text throws(ManagementError) in try OptionValue.headerText(text, option: "--note", maximumLength: 256) } ?? ""
        let text = network.description
        let entry = AllowedNetwork(network: text, note: noteText, createdAt: session.now, createdBy: session.actor)
        let active = try session.storage { () throws -> [Ban] in
            try session.database.addAllowedNetwork(entry) { stored in
                session.logEntry(action: "allow.add", target: "network \(text)", reason: noteText, after: Self.json(stored))
            }
            return try session.database.activeBans(at: session.now)
        }
        var output = "allowed \(text)\n"
        for ban in active where (try? IPNetwork(parsing: ban.network))?.overlaps(network) ?? false {
            output += "\(text) overlaps the active \(ban.jail) ban of \(ban.network); to lift it: sipwarden ban remove \(ban.network)\n"
        }
        return output
    }

    public func list(json: Bool) throws(ManagementError) -> String {
        let entries = try session.storage { try session.database.allowedNetworks() }
        if json { return JSONValue.array(entries.map(Self.json)).serialized() + "\n" }
        var table = TextTable(["NETWORK", "CREATED", "BY", "NOTE"])
        for entry in entries {
            table.append([entry.network, entry.createdAt.iso8601, entry.createdBy, entry.note.isEmpty ? "-" : entry.note])
        }
        return table.render()
    }

    public func remove(_ target: String) throws(ManagementError) -> String {
        let text = try BanCommands.network(target).description
        let entry = try session.storage { try session.database.allowedNetworks().first { $0.network == text } }
        let log = session.logEntry(action: "allow.remove", target: "network \(text)", before: entry.map(Self.json))
        guard try session.storage({ try session.database.removeAllowedNetwork(network: text, log: log) }) else {
            throw .refused("allowed network \(text) not found")
        }
        return "removed \(text) from the allow-list\n"
    }

    static func json(_ entry: AllowedNetwork) -> JSONValue {
        .object([
            ("network", .string(entry.network)),
            ("note", .string(entry.note)),
            ("createdAt", .string(entry.createdAt.iso8601)),
            ("createdBy", .string(entry.createdBy)),
        ])
    }
}
