public import Foundation

/// One event of the live channel: its type (`call.start`, `guard.ban`...) and its JSON
/// object, encoded once by whoever publishes it. Every object has `type` and `time` (ISO
/// 8601, UTC, milliseconds) besides its own fields. Strings inside are as they came from
/// the network, JSON-escaped: whatever shows them must escape them for its own medium.
public struct ServerEvent: Sendable, Equatable {
    public let type: String
    public let json: String

    public init(type: String, json: String) {
        self.type = type
        self.json = json
    }

    /// An event of `type` at `time` with `fields`.
    public init(type: String, time: Date, fields: [String: EventField]) {
        var object = fields
        object["type"] = .text(type)
        object["time"] = .text(Self.timeText(time))
        self.type = type
        self.json = EventField.object(object).encoded
    }

    public static func timeText(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Whether a client's type filter takes this event: no filter takes everything; `call`
    /// takes `call.start`, `call.answer` and `call.end`; `call.end` takes only itself.
    public func matches(_ filter: Set<String>?) -> Bool {
        guard let filter else { return true }
        if filter.contains(type) { return true }
        var prefix = type[...]
        while let dot = prefix.lastIndex(of: ".") {
            prefix = prefix[..<dot]
            if filter.contains(String(prefix)) { return true }
        }
        return false
    }
}

/// A JSON value in an event.
public enum EventField: Sendable, Equatable {
    case text(String)
    case number(Int64)
    case decimal(Double)
    case bool(Bool)
    case list([EventField])
    case object([String: EventField])
    case null

    public static func optional(_ text: String?) -> EventField { text.map(EventField.text) ?? .null }
    public static func optional(_ number: Int64?) -> EventField { number.map(EventField.number) ?? .null }
    public static func texts(_ items: [String]) -> EventField { .list(items.map(EventField.text)) }

    /// Compact JSON with sorted keys (the same event always encodes the same way).
    public var encoded: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .text(let text): Self.writeString(text, to: &out)
        case .number(let number): out += String(number)
        case .decimal(let value): out += value.isFinite ? String(value) : "null"
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .list(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                fields[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    /// RFC 8259 §7: quote, backslash and control characters escaped; `<`, `>` and `&` too,
    /// so that an event pasted into an HTML page cannot close its script element.
    static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
