import Foundation
import Storage

/// `sipwarden actions`: the action log, newest first.
public struct ActionLogCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    public func list(from: String?, to: String?, limit: String?, json: Bool) throws(ManagementError) -> String {
        let start = try from.map { text throws(ManagementError) in try OptionValue.date(text, option: "--from") }
        let end = try to.map { text throws(ManagementError) in try OptionValue.date(text, option: "--to") }
        let count = try limit.map { text throws(ManagementError) in try OptionValue.integer(text, option: "--limit", in: 1...10_000) } ?? 50
        let entries = try session.storage { try session.database.actionLog(from: start, to: end, limit: count) }
        if json { return JSONValue.array(entries.map(Self.json)).serialized() + "\n" }
        var table = TextTable(["TIME", "ACTOR", "FROM", "ACTION", "TARGET", "REASON"])
        for entry in entries {
            table.append([
                entry.at.iso8601, entry.actor, entry.source, entry.action + (entry.hackingAttempt ? " (hacking attempt)" : ""),
                entry.target, entry.reason,
            ])
        }
        return table.render()
    }

    static func json(_ entry: ActionLogEntry) -> JSONValue {
        var details: [(String, JSONValue)] = []
        for key in entry.details.keys.sorted() {
            switch entry.details[key]! {
            case .text(let text): details.append((key, .string(text)))
            case .number(let number): details.append((key, .integer(number)))
            case .list(let items): details.append((key, .array(items.map { .string($0) })))
            }
        }
        return .object([
            ("id", .integer(entry.id ?? 0)), ("at", .string(entry.at.iso8601)), ("actor", .string(entry.actor)),
            ("source", .string(entry.source)), ("action", .string(entry.action)), ("target", .string(entry.target)),
            ("reason", .string(entry.reason)), ("details", .object(details)), ("hackingAttempt", .bool(entry.hackingAttempt)),
        ])
    }
}
