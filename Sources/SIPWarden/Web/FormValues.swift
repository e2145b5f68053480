import Console
import Foundation
import Hummingbird

/// A submitted HTML form (`application/x-www-form-urlencoded`) or a JSON object of the
/// API, as names and texts: both feed the same management commands. At most 64 KiB.
struct FormValues: Sendable {
    var values: [String: String]

    subscript(_ name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// A field's text, trimmed; nil when missing or empty.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func flag(_ name: String) -> Bool {
        guard let value = values[name]?.lowercased() else { return false }
        return ["on", "true", "1", "yes"].contains(value)
    }

    static let limit = 65_536

    static func form(_ request: Request) async throws -> FormValues {
        let buffer = try await request.body.collect(upTo: limit)
        return FormValues(values: parse(String(buffer: buffer)))
    }

    static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            guard !name.isEmpty else { continue }
            values[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return values
    }

    /// A JSON object whose values are texts, numbers, booleans or lists of texts (joined
    /// with commas, as the forms take them).
    static func json(_ request: Request) async throws -> FormValues {
        let buffer = try await request.body.collect(upTo: limit)
        guard let object = try? JSONDecoder().decode([String: JSONField].self, from: Data(buffer: buffer)) else {
            throw Problem.badRequest("the body must be a JSON object of texts, numbers, booleans or lists of texts")
        }
        return FormValues(values: object.mapValues(\.text))
    }
}

/// One value of an API request's JSON object, as the text a form field would carry.
struct JSONField: Decodable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            text = ""
        } else if let value = try? container.decode(Bool.self) {
            text = value ? "true" : "false"
        } else if let value = try? container.decode(Int64.self) {
            text = String(value)
        } else if let value = try? container.decode(Double.self) {
            text = String(value)
        } else if let value = try? container.decode(String.self) {
            text = value
        } else {
            text = try container.decode([String].self).joined(separator: ",")
        }
    }
}
