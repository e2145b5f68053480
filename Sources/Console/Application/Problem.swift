public import Hummingbird
import Foundation

/// An error answer as RFC 9457 problem details (`application/problem+json`): a type URI
/// under the server's own namespace, a title, the status and a detail for people.
public struct Problem: Error, Sendable, HTTPResponseError {
    public let status: HTTPResponse.Status
    public let type: String
    public let title: String
    public let detail: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, type: String, title: String, detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        let body = EventField.object([
            "type": .text("https://sipwarden.invalid/problems/" + type), "title": .text(title), "status": .number(Int64(status.code)),
            "detail": .text(detail),
        ]).encoded
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    public static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, type: "unauthorized", title: "Unauthorized", detail: detail, headers: [.wwwAuthenticate: "Bearer realm=\"sipwarden\""])
    }

    public static func forbiddenNetwork() -> Problem {
        Problem(.forbidden, type: "network-not-allowed", title: "Forbidden", detail: "this address may not use the event channel")
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, type: "not-found", title: "Not Found", detail: detail)
    }

    public static func badRequest(_ detail: String) -> Problem {
        Problem(.badRequest, type: "bad-request", title: "Bad Request", detail: detail)
    }
}
