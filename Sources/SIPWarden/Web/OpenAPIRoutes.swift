import Console
import Foundation
import Hummingbird

/// `/api/v1/openapi.json`: the OpenAPI 3.1 description of the JSON API, built from the
/// table below; a test calls every operation in it against a running console, so the
/// table cannot drift from the routes.
enum OpenAPIRoutes {
    struct Operation: Sendable {
        let method: String
        let path: String
        let summary: String
        let role: String
        var body: Bool = false
        var paged: Bool = false
    }

    static let resources = ResourceCatalog.all.map(\.id)

    static let operations: [Operation] = {
        var operations: [Operation] = [
            Operation(method: "get", path: "/api/v1/me", summary: "Who the key or session is", role: "customer"),
            Operation(method: "get", path: "/api/v1/status", summary: "Live calls, registrations, bans in force, last 24 hours' calls, ASR, ACD", role: "operator"),
            Operation(method: "get", path: "/api/v1/calls/live", summary: "Live calls (customers: their own)", role: "customer"),
            Operation(method: "get", path: "/api/v1/cdrs", summary: "Call records, newest first (from, to, account, device, cause)", role: "customer", paged: true),
            Operation(method: "get", path: "/api/v1/cdrs/{id}", summary: "One call record with the originator's details", role: "customer"),
            Operation(method: "get", path: "/api/v1/bans", summary: "Bans in force (all=true: history too)", role: "operator", paged: true),
            Operation(method: "post", path: "/api/v1/bans", summary: "Ban an address or network by hand {target, duration, reason}", role: "admin", body: true),
            Operation(method: "get", path: "/api/v1/bans/explain", summary: "Why an address is banned (target)", role: "operator"),
            Operation(method: "delete", path: "/api/v1/bans/{target}", summary: "Lift the bans of an address or network", role: "admin"),
            Operation(method: "get", path: "/api/v1/allow", summary: "The allow-list", role: "operator", paged: true),
            Operation(method: "post", path: "/api/v1/allow", summary: "Add to the allow-list {network, note}", role: "admin", body: true),
            Operation(method: "delete", path: "/api/v1/allow/{network}", summary: "Remove from the allow-list", role: "admin"),
            Operation(method: "get", path: "/api/v1/actions", summary: "The action log (from, to, hacking=1)", role: "operator", paged: true),
            Operation(method: "get", path: "/api/v1/users", summary: "Console users", role: "admin", paged: true),
            Operation(method: "get", path: "/api/v1/events", summary: "Live events as Server-Sent Events (types); /api/v1/events/ws for WebSocket", role: "operator"),
        ]
        for kind in ["calls", "online", "security", "cost"] {
            operations.append(Operation(method: "get", path: "/api/v1/reports/\(kind)", summary: "The \(kind) report (from, to, by=hour|day)", role: "operator"))
        }
        for resource in ResourceCatalog.all {
            let base = "/api/v1/\(resource.id)"
            let read = resource.customerAccountKey == nil ? "operator" : "customer"
            operations.append(Operation(method: "get", path: base, summary: "List \(resource.title.lowercased())", role: read, paged: true))
            operations.append(Operation(method: "post", path: base, summary: "Create a \(resource.singular) {\(resource.fields.filter { !$0.editOnly }.map(\.name).joined(separator: ", "))}", role: "admin", body: true))
            operations.append(Operation(method: "get", path: base + "/{key}", summary: "One \(resource.singular)", role: read))
            if resource.update != nil {
                operations.append(Operation(method: "patch", path: base + "/{key}", summary: "Change a \(resource.singular) {\(resource.fields.filter { !$0.createOnly }.map(\.name).joined(separator: ", "))}", role: "admin", body: true))
            }
            operations.append(Operation(method: "delete", path: base + "/{key}", summary: "Remove a \(resource.singular)", role: "admin"))
        }
        return operations
    }()

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            var entry: [String: Any] = [
                "summary": operation.summary, "description": "Needs the \(operation.role) role.",
                "responses": [
                    "200": ["description": "OK", "content": ["application/json": ["schema": ["type": operation.paged ? "object" : "object"]]]],
                    "401": ["$ref": "#/components/responses/Problem"], "403": ["$ref": "#/components/responses/Problem"],
                    "404": ["$ref": "#/components/responses/Problem"],
                ] as [String: Any],
                "security": [["apiKey": [] as [String]]],
            ]
            var parameters: [[String: Any]] = []
            for name in ["id", "key", "target", "network"] where operation.path.contains("{\(name)}") {
                parameters.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"]])
            }
            if operation.paged {
                parameters.append(["name": "offset", "in": "query", "schema": ["type": "integer", "minimum": 0]])
                parameters.append(["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 500]])
            }
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if operation.body {
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["type": "object", "additionalProperties": ["type": ["string", "number", "boolean", "array"]]]]]]
            }
            paths[operation.path, default: [:]][operation.method] = entry
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "SIPWarden API", "version": "1",
                "description": "Everything the console can do. Authenticate with Authorization: Bearer KEY (sipwarden apikey add). Errors are RFC 9457 problem+json. Lists are {items, total, offset, limit}.",
            ],
            "paths": paths,
            "components": [
                "securitySchemes": ["apiKey": ["type": "http", "scheme": "bearer"]],
                "responses": [
                    "Problem": [
                        "description": "An RFC 9457 problem",
                        "content": ["application/problem+json": ["schema": [
                            "type": "object", "properties": ["type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"]],
                        ]]],
                    ],
                ],
            ],
        ]
    }

    static func add(to router: Router<ConsoleRequestContext>) {
        router.get("/api/v1/openapi.json") { _, _ -> Response in
            PageSupport.json(document())
        }
    }
}
