import Foundation
import Guard
import SecurityEvents
import Storage

/// `sipwarden ban ...`: the Guard's bans, and bans by hand. Bans are never deleted: lifting
/// one keeps it as history, which `explain` shows and which lengthens the next ban of the
/// same network (its offense number). Reasons and evidence hold what attackers sent: the text
/// output escapes them. Each ban and each lifting is written to the action log in its own
/// transaction (`ban.add`, `ban.remove`), by the session's actor, who is also the ban's
/// `createdBy` or `liftedBy`.
public struct BanCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// The longest ban `--for` accepts; longer is what `permanent` is for.
    static let longestBan = 3_650 * 86_400
    static let defaultReason = "banned by an operator"

    public func list(all: Bool, json: Bool) throws(ManagementError) -> String {
        let bans = try session.storage { () throws -> [Ban] in
            all ? try session.database.recentBans(limit: Int.max) : try session.database.activeBans(at: session.now)
        }
        if json { return JSONValue.array(bans.map { object($0, evidence: false) }).serialized() + "\n" }
        var table = TextTable(["ID", "NETWORK", "JAIL", "OFFENSE", "STARTED", "EXPIRES"] + (all ? ["STATE"] : []) + ["REASON"])
        for ban in bans {
            table.append(
                [String(ban.id ?? 0), ban.network, ban.jail, String(ban.offense), ban.startedAt.iso8601, Self.expiresText(ban)]
                    + (all ? [state(ban)] : []) + [ban.reason])
        }
        return table.render()
    }

    /// A ban by hand (jail `manual`), permanent unless `duration` says otherwise. Refused for
    /// a network that overlaps the allow-list, and for one that already has an active manual
    /// ban (remove it first to change it); a ban by a jail does not stand in the way.
    public func add(_ target: String, duration: String?, reason: String?) throws(ManagementError) -> String {
        let network = try Self.network(target)
        let seconds = try Self.seconds(duration)
        var reasonText = Self.defaultReason
        if let reason {
            reasonText = try OptionValue.headerText(reason, option: "--reason", maximumLength: 256)
            if reasonText.isEmpty { throw .usage("--reason: give some text, or leave the option out") }
        }
        let text = network.description
        let (allowed, active, earlier) = try session.storage { () throws -> ([AllowedNetwork], [Ban], Int) in
            (try session.database.allowedNetworks(), try session.database.activeBans(at: session.now),
             try session.database.banCounts(network: text))
        }
        if let entry = allowed.first(where: { (try? IPNetwork(parsing: $0.network))?.overlaps(network) ?? false }) {
            throw .refused("\(text) overlaps allowed network \(entry.network); remove it from the allow-list first")
        }
        if let existing = active.first(where: { $0.network == text && $0.jail == Ban.manualJail }) {
            throw .refused("\(text) already has an active manual ban (\(Self.untilText(existing))); remove it first to change it")
        }
        let ban = Ban(
            network: text, jail: Ban.manualJail, reason: reasonText, startedAt: session.now,
            expiresAt: seconds.map { session.now.addingTimeInterval(TimeInterval($0)) }, createdBy: session.actor, offense: earlier + 1)
        let stored = try session.storage {
            try session.database.insert([ban]) { stored in
                stored.first.map { ban in
                    session.logEntry(action: "ban.add", target: "network \(text)", reason: reasonText, after: object(ban, evidence: false))
                }
            }
        }.first ?? ban
        let lasting = seconds.map { "for \(DurationText.text(seconds: $0)), \(Self.untilText(stored))" } ?? "permanently"
        return "banned \(text) \(lasting) (offense \(stored.offense))\n"
    }

    /// Lifts the active bans of exactly `target`; for a single address without one, the
    /// active bans of the networks that contain it (an IPv6 /64, a range).
    public func remove(_ target: String) throws(ManagementError) -> String {
        let network = try Self.network(target)
        let text = network.description
        let lifted = try session.storage {
            try session.database.liftBans(network: text, at: session.now, by: session.actor) { lifted in liftLog(lifted) }
        }
        let active = try session.storage { try session.database.activeBans(at: session.now) }
        let overlapping = active.filter { (try? IPNetwork(parsing: $0.network))?.overlaps(network) ?? false }
        if !lifted.isEmpty {
            var output = lifted.map { "lifted the \($0.jail) ban of \($0.network) (offense \($0.offense))\n" }.joined()
            for ban in overlapping {
                output += "\(text) still overlaps the active \(ban.jail) ban of \(ban.network); remove that network to lift it\n"
            }
            return output
        }
        guard network.isSingleAddress, !overlapping.isEmpty else {
            if overlapping.isEmpty { throw .refused("\(Self.shortText(network)) is not banned") }
            throw .refused("\(text) has no active ban of its own; it overlaps the active bans of "
                + overlapping.map(\.network).joined(separator: ", ") + ": remove those networks")
        }
        var output = ""
        for ban in overlapping {
            guard let lifted = try session.storage({
                try session.database.liftBan(id: ban.id ?? 0, at: session.now, by: session.actor) { lifted in liftLog([lifted]) }
            }) else { continue }
            output += "lifted the \(lifted.jail) ban of \(lifted.network) (offense \(lifted.offense)), which contains \(Self.shortText(network))\n"
        }
        return output
    }

    /// The action log line of lifting `lifted` (bans of one network): before and after are
    /// the lists of those bans, active then lifted.
    private func liftLog(_ lifted: [Ban]) -> ActionLogEntry {
        let before = lifted.map { ban in
            var active = ban
            active.liftedAt = nil
            active.liftedBy = nil
            return object(active, evidence: false)
        }
        return session.logEntry(
            action: "ban.remove", target: "network \(lifted.first?.network ?? "")", before: .array(before),
            after: .array(lifted.map { object($0, evidence: false) }))
    }

    /// Every ban whose network contains `target` (active first, then history, newest first),
    /// with its evidence.
    public func explain(_ target: String, json: Bool) throws(ManagementError) -> String {
        let network = try Self.network(target)
        guard network.isSingleAddress else {
            throw .usage("\"\(PrintableText.escape(target))\" is a network; give one address")
        }
        let address = Self.shortText(network)
        let (allowed, history) = try session.storage { () throws -> ([AllowedNetwork], [Ban]) in
            (try session.database.allowedNetworks(), try session.database.bans(networks: network.coveringNetworks))
        }
        let allowedBy = allowed.filter { (try? IPNetwork(parsing: $0.network))?.contains(network.address) ?? false }
        let bans = history.filter { $0.isActive(at: session.now) } + history.filter { !$0.isActive(at: session.now) }
        if json {
            return JSONValue.object([
                ("address", .string(address)),
                ("allowedBy", .array(allowedBy.map(AllowCommands.json))),
                ("banned", .bool(bans.contains { $0.isActive(at: session.now) })),
                ("bans", .array(bans.map { object($0, evidence: true) })),
            ]).serialized() + "\n"
        }
        var output = allowedBy.map { entry in
            "\(address) is in the allow-list (\(entry.network)\(entry.note.isEmpty ? "" : ": " + PrintableText.escape(entry.note)))\n"
        }.joined()
        guard !bans.isEmpty else { return output + "\(address) is not banned and has never been banned\n" }
        let activeCount = bans.count(where: { $0.isActive(at: session.now) })
        let earlier = Self.count(bans.count - activeCount, "earlier ban")
        output += activeCount > 0
            ? "\(address) is banned: \(Self.count(activeCount, "active ban")), \(earlier)\n"
            : "\(address) is not banned now; \(earlier)\n"
        for ban in bans {
            output += "\nban \(ban.id ?? 0): \(state(ban))\n"
            output += indented(TextTable.fields(fields(ban)), by: 2)
            for (index, event) in ban.evidence.enumerated() {
                output += "  event \(index + 1): \(event.time.iso8601) \(PrintableText.escape(event.kind)) (weight \(event.weight))"
                    + " from \(PrintableText.escape(event.source))\n"
                output += indented(TextTable.fields([
                    ("username", event.username ?? "-"),
                    ("reason", event.reason ?? "-"),
                    ("request", event.method + " " + event.requestURI),
                    ("From", event.from),
                    ("To", event.to),
                    ("Call-ID", event.callID),
                    ("Contact", event.contact ?? "-"),
                    ("User-Agent", event.userAgent ?? "-"),
                ]), by: 4)
            }
        }
        return output
    }

    // MARK: - Text

    func fields(_ ban: Ban) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("network", ban.network),
            ("jail", ban.jail),
            ("reason", ban.reason),
            ("started", ban.startedAt.iso8601),
            ("expires", Self.expiresText(ban)),
        ]
        if let liftedAt = ban.liftedAt { fields.append(("lifted", "\(liftedAt.iso8601) by \(ban.liftedBy ?? "?")")) }
        fields += [
            ("offense", String(ban.offense)),
            ("created by", ban.createdBy),
            ("evidence", ban.evidence.isEmpty ? "none" : Self.count(ban.evidence.count, "event")),
        ]
        return fields
    }

    /// active, expired (not yet swept by the server) or lifted.
    func state(_ ban: Ban) -> String {
        if ban.isActive(at: session.now) { return "active" }
        return ban.liftedAt == nil ? "expired" : "lifted"
    }

    static func expiresText(_ ban: Ban) -> String { ban.expiresAt?.iso8601 ?? "permanent" }

    static func untilText(_ ban: Ban) -> String { ban.expiresAt.map { "until \($0.iso8601)" } ?? "permanent" }

    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// An address as typed (`192.0.2.7`), a network as CIDR.
    static func shortText(_ network: IPNetwork) -> String {
        network.isSingleAddress ? IPAddress(bytes: network.address).description : network.description
    }

    func indented(_ text: String, by spaces: Int) -> String {
        let indent = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { indent + $0 + "\n" }.joined()
    }

    // MARK: - JSON

    func object(_ ban: Ban, evidence: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .integer(ban.id ?? 0)),
            ("network", .string(ban.network)),
            ("jail", .string(ban.jail)),
            ("reason", .string(ban.reason)),
            ("state", .string(state(ban))),
            ("startedAt", .string(ban.startedAt.iso8601)),
            ("expiresAt", .string(ban.expiresAt?.iso8601)),
            ("permanent", .bool(ban.expiresAt == nil)),
            ("liftedAt", .string(ban.liftedAt?.iso8601)),
            ("liftedBy", .string(ban.liftedBy)),
            ("createdBy", .string(ban.createdBy)),
            ("offense", .integer(ban.offense)),
        ]
        if evidence {
            members.append(("evidence", .array(ban.evidence.map(Self.object))))
        } else {
            members.append(("events", .integer(ban.evidence.count)))
        }
        return .object(members)
    }

    static func object(_ event: BanEvidence) -> JSONValue {
        .object([
            ("time", .string(event.time.iso8601)),
            ("kind", .string(event.kind)),
            ("weight", .integer(event.weight)),
            ("source", .string(event.source)),
            ("username", .string(event.username)),
            ("reason", .string(event.reason)),
            ("method", .string(event.method)),
            ("requestURI", .string(event.requestURI)),
            ("from", .string(event.from)),
            ("to", .string(event.to)),
            ("callID", .string(event.callID)),
            ("contact", .string(event.contact)),
            ("userAgent", .string(event.userAgent)),
        ])
    }

    // MARK: - Arguments

    /// An address or CIDR network as the operator typed it, in the canonical form bans and
    /// the allow-list store. An IPv4-mapped IPv6 network (`::ffff:192.0.2.7`) is taken as the
    /// IPv4 one: that is how the Guard matches such a source.
    static func network(_ text: String) throws(ManagementError) -> IPNetwork {
        let parsed: IPNetwork
        do throws(IPNetwork.ParseError) {
            parsed = try IPNetwork(parsing: text)
        } catch {
            switch error {
            case .badAddress(let address):
                throw .usage("\"\(PrintableText.escape(address))\" is not an IPv4 or IPv6 address")
            case .badPrefix:
                let maximum = (IPAddress.bytes(text.prefix { $0 != "/" })?.count ?? 4) * 8
                throw .usage("\"\(PrintableText.escape(text))\": the prefix length must be a number from 0 to \(maximum)")
            }
        }
        let bytes = parsed.address
        if bytes.count == 16, parsed.prefixLength >= 96, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return IPNetwork(address: Array(bytes[12..<16]), prefixLength: parsed.prefixLength - 96)
        }
        return parsed
    }

    /// nil: permanent (no option, or the word `permanent`).
    static func seconds(_ duration: String?) throws(ManagementError) -> Int? {
        guard let duration, duration != "permanent" else { return nil }
        let seconds: Int
        do throws(DurationText.ParseError) {
            seconds = try DurationText.seconds(duration)
        } catch {
            throw .usage("--for: \"\(PrintableText.escape(duration))\" is not a duration"
                + " (a whole number with s, m, h, d or w, such as 30s, 10m, 2h, 7d) or permanent")
        }
        guard seconds <= longestBan else {
            throw .usage("--for: at most \(DurationText.text(seconds: longestBan)); a ban that should not end is permanent")
        }
        return seconds
    }
}
