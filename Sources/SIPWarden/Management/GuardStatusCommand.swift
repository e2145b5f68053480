import Foundation
import Guard
import Storage

/// `sipwarden guard status`: the jails as the running server last described them, with the
/// active bans per jail counted from the ban table (bans by hand included, which no jail
/// issues). Source texts come from the server's own formatting, but are escaped like any
/// other cell.
public struct GuardStatusCommand: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// The server writes its snapshot every few seconds: one older than this is worth a word.
    static let staleAfter: TimeInterval = 60

    public func run(json: Bool) throws(ManagementError) -> String {
        let (snapshot, active) = try session.storage { () throws -> (GuardStatusSnapshot?, [Ban]) in
            (try session.database.guardStatus(), try session.database.activeBans(at: session.now))
        }
        guard let snapshot else { throw .refused("the server has not written a status yet (is it running?)") }
        let activeByJail = Dictionary(active.map { ($0.jail, 1) }, uniquingKeysWith: +)
        // Jails with active bans but no rule in the snapshot: `manual`, `blocklist`, a jail
        // since removed from the configuration.
        let known = Set(snapshot.jails.map(\.name))
        let others = activeByJail.keys.filter { !known.contains($0) }.sorted()
        let age = max(0, Int(session.now.timeIntervalSince(snapshot.updatedAt).rounded(.down)))
        if json {
            return JSONValue.object([
                ("updatedAt", .string(snapshot.updatedAt.iso8601)),
                ("ageSeconds", .integer(age)),
                ("trackedSources", .integer(snapshot.trackedSources)),
                ("activeBans", .integer(active.count)),
                ("activeBansInServer", .integer(snapshot.activeBans)),
                ("jails", .array(snapshot.jails.map { jail in Self.json(jail, activeBans: activeByJail[jail.name] ?? 0) })),
                ("otherActiveBans", .object(others.map { ($0, .integer(activeByJail[$0] ?? 0)) })),
                ("topSources", .array(snapshot.topSources.map { source in
                    .object([
                        ("source", .string(source.source)),
                        ("jail", .string(source.jail)),
                        ("score", .integer(source.score)),
                        ("lastSeen", .string(source.lastSeen.iso8601)),
                    ])
                })),
            ]).serialized() + "\n"
        }
        let staleness = Double(age) > Self.staleAfter ? "; the server writes it every few seconds: is it still running?" : ""
        var output = TextTable.fields([
            ("updated", "\(snapshot.updatedAt.iso8601) (\(age) s ago\(staleness))"),
            ("tracked sources", String(snapshot.trackedSources)),
            ("active bans", String(active.count)),
        ])
        var jails = TextTable(["JAIL", "MODE", "THRESHOLD", "BAN", "EVENTS", "BANS", "WOULD-BAN", "ACTIVE", "WEIGHTS"])
        for jail in snapshot.jails {
            jails.append([
                jail.name, jail.mode, Self.thresholdText(jail), jail.banSeconds.map { DurationText.text(seconds: $0) } ?? "permanent",
                String(jail.eventsCounted), String(jail.bansIssued), jail.mode == "observe" ? String(jail.wouldBan) : "-",
                String(activeByJail[jail.name] ?? 0), Self.weightsText(jail),
            ])
        }
        for name in others {
            jails.append([name, "-", "-", "-", "-", "-", "-", String(activeByJail[name] ?? 0), "-"])
        }
        output += "\n" + jails.render()
        guard !snapshot.topSources.isEmpty else { return output + "\nno sources are being scored\n" }
        var sources = TextTable(["SOURCE", "JAIL", "SCORE", "LAST-SEEN"])
        for source in snapshot.topSources {
            sources.append([source.source, source.jail, String(source.score), source.lastSeen.iso8601])
        }
        return output + "\n" + sources.render()
    }

    /// `10 in 10m`: the score that bans, and the window it is counted over.
    static func thresholdText(_ jail: JailStatus) -> String {
        "\(jail.threshold)" + (jail.windowSeconds.map { " in \(DurationText.text(seconds: $0))" } ?? "")
    }

    /// `auth_failure=1,unknown_user=2`, by kind.
    static func weightsText(_ jail: JailStatus) -> String {
        jail.kinds.isEmpty ? "-" : jail.kinds.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    static func json(_ jail: JailStatus, activeBans: Int) -> JSONValue {
        .object([
            ("name", .string(jail.name)),
            ("mode", .string(jail.mode)),
            ("kinds", .object(jail.kinds.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
            ("threshold", .integer(jail.threshold)),
            ("windowSeconds", .integer(jail.windowSeconds)),
            ("banSeconds", .integer(jail.banSeconds)),
            ("eventsCounted", .integer(jail.eventsCounted)),
            ("bansIssued", .integer(jail.bansIssued)),
            ("wouldBan", .integer(jail.wouldBan)),
            ("activeBans", .integer(activeBans)),
            ("activeBansInServer", .integer(jail.activeBans)),
        ])
    }
}
