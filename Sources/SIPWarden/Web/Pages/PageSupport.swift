import Console
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Helpers the pages and the API share: running a management command, reading its JSON,
/// showing values, answering in JSON.
enum PageSupport {
    /// A management refusal as the API's problem (RFC 9457).
    static func problem(_ error: ManagementError) -> Problem {
        switch error {
        case .usage(let text): return Problem(.badRequest, type: "invalid", title: "Bad Request", detail: text)
        case .refused(let text):
            let status: HTTPResponse.Status = text.hasSuffix("not found") ? .notFound : .conflict
            return Problem(status, type: status == .notFound ? "not-found" : "refused", title: status == .notFound ? "Not Found" : "Conflict", detail: text)
        case .failed(let text): return Problem(.internalServerError, type: "failed", title: "Internal Server Error", detail: text)
        }
    }

    /// A management command's output; its refusal as the API's problem.
    static func run(_ body: () throws(ManagementError) -> String) throws -> String {
        do {
            return try body()
        } catch {
            throw problem(error)
        }
    }

    /// Any error from a route: management refusals become problems, the rest passes.
    static func problem(_ error: any Error) -> any Error {
        (error as? ManagementError).map { problem($0) as any Error } ?? error
    }

    static func message(_ error: any Error) -> String {
        switch error {
        case let error as ManagementError:
            switch error {
            case .usage(let text), .refused(let text), .failed(let text): return text
            }
        case let problem as Problem: return problem.detail
        default: return "\(error)"
        }
    }

    /// The JSON a command printed, as Foundation values.
    static func parse(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? NSNull()
    }

    static func objects(_ text: String) -> [[String: Any]] {
        parse(text) as? [[String: Any]] ?? []
    }

    /// A JSON value as a person reads it: lists joined, null as a dash.
    static func display(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "—"
        case let text as String: return text.isEmpty ? "—" : text
        case let number as NSNumber:
            // JSON's true and false arrive as NSNumbers of type "c" (char); on Linux `as? Bool`
            // would match 0 and 1 too.
            if String(cString: number.objCType) == "c" { return number.boolValue ? "yes" : "no" }
            return number.stringValue
        case let flag as Bool: return flag ? "yes" : "no"
        case let list as [Any]: return list.isEmpty ? "—" : list.map { display($0) }.joined(separator: ", ")
        case let object as [String: Any]:
            return object.keys.sorted().map { "\($0): \(display(object[$0]))" }.joined(separator: "; ")
        default: return "\(value!)"
        }
    }

    /// A figure's JSON name as a label: `acdSeconds` → "ACD seconds".
    static func label(_ key: String) -> String {
        var words: [String] = []
        var current = ""
        for character in key {
            if character.isUppercase, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        let text = words.map { word -> String in
            let lower = word.lowercased()
            return ["asr", "acd", "ip", "id", "did"].contains(lower) ? lower.uppercased() : lower
        }.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// A JSON answer. `<`, `>` and `&` are written as \u escapes, so that no HTML ever comes
    /// out of the API, even where a client pastes a value into a page.
    static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("null".utf8)
        var text = String(decoding: data, as: UTF8.self)
        text = text.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `offset` and `limit` query parameters (limit 1…500, default 50).
    static func page(_ request: Request) throws -> (offset: Int, limit: Int) {
        let query = request.uri.queryParameters
        let offset = try query.get("offset").map { text throws -> Int in
            guard let value = Int(text), value >= 0, value <= 10_000_000 else { throw Problem.badRequest("offset: expected a whole number from 0") }
            return value
        } ?? 0
        let limit = try query.get("limit").map { text throws -> Int in
            guard let value = Int(text), (1...500).contains(value) else { throw Problem.badRequest("limit: expected 1 to 500") }
            return value
        } ?? 50
        return (offset, limit)
    }

    /// A paginated list answer: `{items, total, offset, limit}`.
    static func paged(_ items: [Any], request: Request) throws -> Response {
        let (offset, limit) = try page(request)
        let slice = offset < items.count ? Array(items[offset..<min(items.count, offset + limit)]) : []
        return json(["items": slice, "total": items.count, "offset": offset, "limit": limit])
    }

    static func query(_ request: Request, _ name: String) -> String? {
        guard let value = request.uri.queryParameters.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// A path parameter, percent-decoded: the router hands path segments over as sent
    /// (`%2B44`, `198.51.100.0%2F24`), and the links here encode keys with `segment`.
    static func parameter(_ context: ConsoleRequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// Percent-encodes a path segment (a device name, a network with its slash).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
