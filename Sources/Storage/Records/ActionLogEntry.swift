public import Foundation
public import GRDB

/// One line of the action log: something the switch did by itself (a fraud block, an
/// alert, a block lifted at its time) or an operator did, with who, from where, what, to
/// what, and why. Text that came from the network is as it came: escape it when shown.
public struct ActionLogEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var at: Date
    /// `fraud-monitor`, `server`, `cli`, or a console user or API key (`console:alice`).
    public var actor: String
    /// Where the actor was: `local` for the switch and the CLI, else an address.
    public var source: String
    /// A dotted name (`account.block`, `account.unblock`, `fraud.alert`).
    public var action: String
    /// What it was done to (`account 3 acme`).
    public var target: String
    public var reason: String
    /// The figures behind it, as a JSON object (before/after, thresholds, context).
    public var details: [String: ActionLogValue]
    /// A refused access that looks like probing (issue of the console's roles).
    public var hackingAttempt: Bool

    public init(
        at: Date, actor: String, source: String = "local", action: String, target: String, reason: String,
        details: [String: ActionLogValue] = [:], hackingAttempt: Bool = false
    ) {
        self.at = at
        self.actor = actor
        self.source = source
        self.action = action
        self.target = target
        self.reason = reason
        self.details = details
        self.hackingAttempt = hackingAttempt
    }

    public static let databaseTableName = "actionLog"

    public static func databaseJSONEncoder(for column: String) -> JSONEncoder { StoredJSON.encoder() }
    public static func databaseJSONDecoder(for column: String) -> JSONDecoder { StoredJSON.decoder() }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A value in an action log entry's details: text, a whole number, a list of texts.
public enum ActionLogValue: Codable, Sendable, Equatable {
    case text(String)
    case number(Int64)
    case list([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            self = .number(number)
        } else if let list = try? container.decode([String].self) {
            self = .list(list)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .list(let list): try container.encode(list)
        }
    }
}
