import Foundation
import Storage

/// `sipwarden provider status`: how the server's registration to each provider stands, as
/// the server last wrote it.
public struct ProviderStatusCommand: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    public func run(json: Bool) throws(ManagementError) -> String {
        let (providers, statuses) = try session.storage { () throws -> ([Provider], [Int64: ProviderRegistrationStatus]) in
            let statuses = try session.database.providerRegistrationStatuses()
            return (try session.database.providers(), Dictionary(statuses.map { ($0.providerId, $0) }, uniquingKeysWith: { _, last in last }))
        }
        let rows = providers.map { provider in (provider, statuses[provider.id ?? 0]) }
        if json {
            return JSONValue.array(rows.map { provider, status in
                .object([
                    ("provider", .string(provider.name)),
                    ("identification", .string(provider.identification.rawValue)),
                    ("enabled", .bool(provider.enabled)),
                    ("state", .string(Self.state(provider, status))),
                    ("lastStatusCode", .integer(status?.lastStatusCode)),
                    ("lastError", .string(status?.lastError)),
                    ("registeredUntil", .string(status?.registeredUntil?.iso8601)),
                    ("nextAttemptAt", .string(status?.nextAttemptAt?.iso8601)),
                    ("updatedAt", .string(status?.updatedAt.iso8601)),
                ])
            }).serialized() + "\n"
        }
        var table = TextTable(["PROVIDER", "ENABLED", "STATE", "LAST-CODE", "REGISTERED-UNTIL", "NEXT-ATTEMPT", "LAST-ERROR"])
        for (provider, status) in rows {
            table.append([
                provider.name, provider.enabled ? "yes" : "no", Self.state(provider, status),
                status?.lastStatusCode.map(String.init) ?? "-", status?.registeredUntil?.iso8601 ?? "-",
                status?.nextAttemptAt?.iso8601 ?? "-", status?.lastError ?? "-",
            ])
        }
        return table.render()
    }

    static func state(_ provider: Provider, _ status: ProviderRegistrationStatus?) -> String {
        guard provider.identification == .registration else { return "not registering" }
        return status?.state.rawValue ?? "no status yet"
    }
}
