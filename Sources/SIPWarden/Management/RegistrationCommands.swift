import Foundation
import Storage

/// `sipwarden registration list`: the registrar's bindings as the server last wrote them.
/// Contacts and user agents were sent by the devices (or by whoever holds their passwords):
/// the text output escapes them.
public struct RegistrationCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    public func list(json: Bool) throws(ManagementError) -> String {
        let listing = try session.storage { try session.database.registrationListing() }
        if json {
            return JSONValue.array(listing.map { row in
                let registration = row.registration
                return .object([
                    ("username", .string(row.username)),
                    ("contact", .string(registration.contact)),
                    ("transport", .string(registration.transport)),
                    ("sourceIP", .string(registration.sourceIP)),
                    ("sourcePort", .integer(registration.sourcePort)),
                    ("expiresAt", .string(registration.expiresAt.iso8601)),
                    ("expiresIn", .integer(secondsLeft(registration))),
                    ("q", .number(registration.q)),
                    ("userAgent", .string(registration.userAgent)),
                    ("updatedAt", .string(registration.updatedAt.iso8601)),
                ])
            }).serialized() + "\n"
        }
        var table = TextTable(["USERNAME", "CONTACT", "SOURCE", "EXPIRES", "USER-AGENT"])
        for row in listing {
            let registration = row.registration
            table.append([
                row.username, registration.contact, Self.source(registration),
                "\(registration.expiresAt.iso8601) (\(secondsLeft(registration)) s)", registration.userAgent ?? "-",
            ])
        }
        return table.render()
    }

    /// 0 once expired (the server removes it at its next sweep).
    func secondsLeft(_ registration: Registration) -> Int {
        max(0, Int(registration.expiresAt.timeIntervalSince(session.now).rounded(.down)))
    }

    /// transport:ip:port, IPv6 in brackets as in a SIP URI (RFC 3261 §25.1 IPv6reference).
    static func source(_ registration: Registration) -> String {
        let host = registration.sourceIP.contains(":") ? "[\(registration.sourceIP)]" : registration.sourceIP
        return "\(registration.transport):\(host):\(registration.sourcePort)"
    }
}
