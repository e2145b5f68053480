import Foundation
import SIPTestSupport
import Storage
import Testing

/// `sipwarden ban ...`, run as the real binary on a temporary data directory. Bans the Guard
/// would write are inserted through the database, with fixed times in the past (and
/// permanent, or expiring in 2100, when they must be active).
@Suite("sipwarden ban")
struct BanCommandTests {
    /// 2026-01-01T00:00:00Z.
    static let newYear = Date(timeIntervalSince1970: 1_767_225_600)
    static let farFuture = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01T00:00:00Z

    static func guardBan(_ network: String, jail: String, started: TimeInterval = 0, expiresAt: Date? = nil, evidence: [BanEvidence] = []) -> Ban {
        Ban(network: network, jail: jail, reason: "score 10 of 10 in \(jail)", evidence: evidence,
            startedAt: newYear.addingTimeInterval(started), expiresAt: expiresAt, createdBy: "guard")
    }

    /// A sandbox whose data directory exists (the first command creates it), for tests that
    /// write through the database first.
    static func sandboxWithDatabase() throws -> ManagementSandbox {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["ban", "list"])
        return sandbox
    }

    @Test("add, list, remove and add again: manual jail, offense numbers, history kept")
    func lifecycle() throws {
        let sandbox = try ManagementSandbox()
        let added = try sandbox.succeed(["ban", "add", "192.0.2.7", "--for", "1h", "--reason", "probing us"])
        #expect(added.hasPrefix("banned 192.0.2.7/32 for 1h, until 20") && added.hasSuffix("Z (offense 1)\n"), "\(added)")
        #expect(try sandbox.succeed(["ban", "add", "2001:DB8:1:2::/64"]) == "banned 2001:db8:1:2::/64 permanently (offense 1)\n")
        let stored = try #require(try sandbox.database().bans(network: "192.0.2.7/32").first)
        #expect(stored.jail == "manual" && stored.createdBy == "cli" && stored.reason == "probing us" && stored.evidence.isEmpty)
        #expect(stored.expiresAt.map { $0.timeIntervalSince(stored.startedAt) } == 3_600)

        let lines = try sandbox.succeed(["ban", "list"]).split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(lines[0] == "ID  NETWORK            JAIL    OFFENSE  STARTED               EXPIRES               REASON")
        #expect(lines[1].hasPrefix("2   2001:db8:1:2::/64  manual  1        20") && lines[1].hasSuffix("Z  permanent             banned by an operator"))
        #expect(lines[2].hasPrefix("1   192.0.2.7/32       manual  1        ") && lines[2].hasSuffix("Z  probing us"))

        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["ban", "list", "--json"])) as? [[String: Any]])
        try #require(json.count == 2)
        #expect(Set(json[0].keys) == ["id", "network", "jail", "reason", "state", "startedAt", "expiresAt", "permanent", "liftedAt",
                                      "liftedBy", "createdBy", "offense", "events"])
        #expect(json[0]["network"] as? String == "2001:db8:1:2::/64")
        #expect(json[0]["expiresAt"] is NSNull && json[0]["permanent"] as? Bool == true)
        #expect(json[1]["state"] as? String == "active" && json[1]["offense"] as? Int == 1 && json[1]["events"] as? Int == 0)
        #expect((json[1]["expiresAt"] as? String)?.hasSuffix("Z") == true)

        #expect(try sandbox.succeed(["ban", "remove", "192.0.2.7"]) == "lifted the manual ban of 192.0.2.7/32 (offense 1)\n")
        try sandbox.fail(["ban", "remove", "192.0.2.7/32"], status: 1, "sipwarden ban remove: 192.0.2.7 is not banned")
        #expect(try sandbox.succeed(["ban", "add", "192.0.2.7", "--for", "permanent"]) == "banned 192.0.2.7/32 permanently (offense 2)\n")
        try sandbox.fail(["ban", "add", "192.0.2.7", "--for", "2d"], status: 1,
                         "sipwarden ban add: 192.0.2.7/32 already has an active manual ban (permanent); remove it first to change it")

        let all = try #require(try ManagementSandbox.json(try sandbox.succeed(["ban", "list", "--all", "--json"])) as? [[String: Any]])
        #expect(all.map { $0["state"] as? String } == ["active", "active", "lifted"])
        #expect(all[2]["liftedBy"] as? String == "cli" && all[2]["liftedAt"] is String)
        let allText = try sandbox.succeed(["ban", "list", "--all"])
        #expect(allText.hasPrefix("ID  NETWORK            JAIL    OFFENSE  STARTED               EXPIRES               STATE   REASON\n"))
        #expect(allText.contains("  lifted  probing us\n"))
        #expect(try sandbox.succeed(["ban", "list"]).split(separator: "\n").count == 3, "the lifted ban is not listed")
    }

    @Test("a ban by a jail does not stop a manual ban of the same network")
    func manualBesideJail() throws {
        let sandbox = try Self.sandboxWithDatabase()
        _ = try sandbox.database().insert([Self.guardBan("192.0.2.7/32", jail: "sip-auth", expiresAt: Self.farFuture)])
        #expect(try sandbox.succeed(["ban", "add", "192.0.2.7"]) == "banned 192.0.2.7/32 permanently (offense 2)\n")
    }

    @Test("remove: an address inside an IPv6 /64 ban lifts the /64 and says so; a wider ban still in force is named")
    func removeByContainedAddress() throws {
        let sandbox = try Self.sandboxWithDatabase()
        _ = try sandbox.database().insert([
            Self.guardBan("2001:db8:1:2::/64", jail: "sip-scanner"),
            Self.guardBan("192.0.2.0/24", jail: "sip-flood", expiresAt: Self.farFuture),
            Self.guardBan("192.0.2.7/32", jail: "sip-auth"),
        ])
        #expect(try sandbox.succeed(["ban", "remove", "2001:db8:1:2::55"])
            == "lifted the sip-scanner ban of 2001:db8:1:2::/64 (offense 1), which contains 2001:db8:1:2::55\n")
        try sandbox.fail(["ban", "remove", "2001:db8:1:2::55"], status: 1, "sipwarden ban remove: 2001:db8:1:2::55 is not banned")
        #expect(try sandbox.succeed(["ban", "remove", "192.0.2.7"]) == """
            lifted the sip-auth ban of 192.0.2.7/32 (offense 1)
            192.0.2.7/32 still overlaps the active sip-flood ban of 192.0.2.0/24; remove that network to lift it

            """)
        try sandbox.fail(["ban", "remove", "192.0.2.128/25"], status: 1,
                         "sipwarden ban remove: 192.0.2.128/25 has no active ban of its own; it overlaps the active bans of 192.0.2.0/24: remove those networks")
        #expect(try sandbox.succeed(["ban", "remove", "192.0.2.9"])
            == "lifted the sip-flood ban of 192.0.2.0/24 (offense 1), which contains 192.0.2.9\n")
        let database = try sandbox.database()
        #expect(try database.activeBans(at: Date()).isEmpty)
        #expect(try database.recentBans(limit: 10).allSatisfy { $0.liftedBy == "cli" && $0.liftedAt != nil })
    }

    @Test("add refuses a network overlapping the allow-list, either way round, and stores nothing")
    func allowListOverlap() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["allow", "add", "192.0.2.7"])
        try sandbox.succeed(["allow", "add", "2001:db8:5::/48"])
        try sandbox.fail(["ban", "add", "192.0.2.0/24"], status: 1,
                         "sipwarden ban add: 192.0.2.0/24 overlaps allowed network 192.0.2.7/32; remove it from the allow-list first")
        try sandbox.fail(["ban", "add", "192.0.2.7", "--for", "1h"], status: 1,
                         "sipwarden ban add: 192.0.2.7/32 overlaps allowed network 192.0.2.7/32; remove it from the allow-list first")
        try sandbox.fail(["ban", "add", "::ffff:192.0.2.7"], status: 1,
                         "sipwarden ban add: 192.0.2.7/32 overlaps allowed network 192.0.2.7/32; remove it from the allow-list first")
        try sandbox.fail(["ban", "add", "2001:db8:5:6::1"], status: 1,
                         "sipwarden ban add: 2001:db8:5:6::1/128 overlaps allowed network 2001:db8:5::/48; remove it from the allow-list first")
        try sandbox.fail(["ban", "add", "2001:db8::/32"], status: 1,
                         "sipwarden ban add: 2001:db8::/32 overlaps allowed network 2001:db8:5::/48; remove it from the allow-list first")
        #expect(try sandbox.database().recentBans(limit: 10).isEmpty)
        #expect(try sandbox.succeed(["ban", "add", "192.0.2.8"]) == "banned 192.0.2.8/32 permanently (offense 1)\n", "a neighbour is fine")
    }

    @Test("bad arguments: one line, exit 2", arguments: [
        (["ban", "add", "192.0.2.300"], "sipwarden ban add: \"192.0.2.300\" is not an IPv4 or IPv6 address"),
        (["ban", "add", "example.com"], "sipwarden ban add: \"example.com\" is not an IPv4 or IPv6 address"),
        (["ban", "add", "192.0.2.0/33"], "sipwarden ban add: \"192.0.2.0/33\": the prefix length must be a number from 0 to 32"),
        (["ban", "add", "2001:db8::/129"], "sipwarden ban add: \"2001:db8::/129\": the prefix length must be a number from 0 to 128"),
        (["ban", "add", "192.0.2.0/+8"], "sipwarden ban add: \"192.0.2.0/+8\": the prefix length must be a number from 0 to 32"),
        (["ban", "add", "192.0.2.0/"], "sipwarden ban add: \"192.0.2.0/\": the prefix length must be a number from 0 to 32"),
        (["ban", "add", "192.0.2.1\u{1B}[2J"], "sipwarden ban add: \"192.0.2.1\\u{1B}[2J\" is not an IPv4 or IPv6 address"),
        (["ban", "add", "192.0.2.1", "--for", "soon"],
         "sipwarden ban add: --for: \"soon\" is not a duration (a whole number with s, m, h, d or w, such as 30s, 10m, 2h, 7d) or permanent"),
        (["ban", "add", "192.0.2.1", "--for", "0s"],
         "sipwarden ban add: --for: \"0s\" is not a duration (a whole number with s, m, h, d or w, such as 30s, 10m, 2h, 7d) or permanent"),
        (["ban", "add", "192.0.2.1", "--for", "9999d"], "sipwarden ban add: --for: at most 3650d; a ban that should not end is permanent"),
        (["ban", "add", "192.0.2.1", "--reason", "a\nb"], "sipwarden ban add: --reason: control characters are not allowed"),
        (["ban", "add", "192.0.2.1", "--reason", ""], "sipwarden ban add: --reason: give some text, or leave the option out"),
        (["ban", "remove", "nowhere"], "sipwarden ban remove: \"nowhere\" is not an IPv4 or IPv6 address"),
        (["ban", "explain", "192.0.2.0/24"], "sipwarden ban explain: \"192.0.2.0/24\" is a network; give one address"),
        (["ban", "explain", "1.2.3"], "sipwarden ban explain: \"1.2.3\" is not an IPv4 or IPv6 address"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let sandbox = try ManagementSandbox()
        try sandbox.fail(arguments, status: 2, message)
        #expect(try sandbox.database().recentBans(limit: 10).isEmpty)
    }

    @Test("explain: allow-list first, active bans, then history newest first, every event with escaped peer text")
    func explain() throws {
        let sandbox = try Self.sandboxWithDatabase()
        let hostile = "<script>alert(\"x\")</script>\u{1B}[2J\u{7}\r\nInjected: 'yes' \u{202E}"
        let event = BanEvidence(
            time: Self.newYear.addingTimeInterval(-5), kind: "auth_failure", weight: 2, source: "udp:192.0.2.7:5060",
            username: "alice\u{0}", reason: "bad credentials", method: "REGISTER", requestURI: "sip:example.com",
            from: "\"Evil\" <sip:alice@example.com>;tag=1", to: "<sip:alice@example.com>", callID: "c1@host",
            contact: "<sip:alice@192.0.2.7>", userAgent: hostile)
        let quiet = BanEvidence(
            time: Self.newYear.addingTimeInterval(-3_600), kind: "unknown_user", weight: 1, source: "tcp:192.0.2.7:40000",
            method: "INVITE", requestURI: "sip:100@example.com", from: "<sip:x@y>", to: "<sip:100@example.com>", callID: "c0")
        let database = try sandbox.database()
        let earlier = Self.guardBan("192.0.2.7/32", jail: "sip-auth", started: -3_600, expiresAt: Self.newYear.addingTimeInterval(-1_800), evidence: [quiet])
        _ = try database.insert([
            earlier,
            Self.guardBan("192.0.2.0/24", jail: "sip-auth", expiresAt: Self.farFuture, evidence: [event]),
            Self.guardBan("192.0.3.0/24", jail: "sip-flood"),
        ])
        _ = try database.liftExpiredBans(at: Self.newYear)
        try sandbox.succeed(["allow", "add", "192.0.2.7", "--note", "the NOC"])

        let text = try sandbox.succeed(["ban", "explain", "192.0.2.7"])
        #expect(text == """
            192.0.2.7 is in the allow-list (192.0.2.7/32: the NOC)
            192.0.2.7 is banned: 1 active ban, 1 earlier ban

            ban 2: active
              network:     192.0.2.0/24
              jail:        sip-auth
              reason:      score 10 of 10 in sip-auth
              started:     2026-01-01T00:00:00Z
              expires:     2100-01-01T00:00:00Z
              offense:     1
              created by:  guard
              evidence:    1 event
              event 1: 2025-12-31T23:59:55Z auth_failure (weight 2) from udp:192.0.2.7:5060
                username:    alice\\u{0}
                reason:      bad credentials
                request:     REGISTER sip:example.com
                From:        "Evil" <sip:alice@example.com>;tag=1
                To:          <sip:alice@example.com>
                Call-ID:     c1@host
                Contact:     <sip:alice@192.0.2.7>
                User-Agent:  <script>alert("x")</script>\\u{1B}[2J\\u{7}\\u{D}\\u{A}Injected: 'yes' \\u{202E}

            ban 1: lifted
              network:     192.0.2.7/32
              jail:        sip-auth
              reason:      score 10 of 10 in sip-auth
              started:     2025-12-31T23:00:00Z
              expires:     2025-12-31T23:30:00Z
              lifted:      2026-01-01T00:00:00Z by expiry
              offense:     1
              created by:  guard
              evidence:    1 event
              event 1: 2025-12-31T23:00:00Z unknown_user (weight 1) from tcp:192.0.2.7:40000
                username:    -
                reason:      -
                request:     INVITE sip:100@example.com
                From:        <sip:x@y>
                To:          <sip:100@example.com>
                Call-ID:     c0
                Contact:     -
                User-Agent:  -

            """)
        #expect(!text.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })

        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["ban", "explain", "::ffff:192.0.2.7", "--json"])) as? [String: Any])
        #expect(json["address"] as? String == "192.0.2.7")
        #expect(json["banned"] as? Bool == true)
        let allowedBy = try #require(json["allowedBy"] as? [[String: Any]])
        #expect(allowedBy.first?["network"] as? String == "192.0.2.7/32" && allowedBy.first?["note"] as? String == "the NOC")
        let bans = try #require(json["bans"] as? [[String: Any]])
        #expect(bans.map { $0["network"] as? String } == ["192.0.2.0/24", "192.0.2.7/32"])
        #expect(bans.map { $0["state"] as? String } == ["active", "lifted"])
        #expect(bans[1]["liftedBy"] as? String == "expiry" && bans[1]["liftedAt"] as? String == "2026-01-01T00:00:00Z")
        let events = try #require(bans[0]["evidence"] as? [[String: Any]])
        #expect(Set(events[0].keys) == ["time", "kind", "weight", "source", "username", "reason", "method", "requestURI", "from", "to",
                                        "callID", "contact", "userAgent"])
        #expect(events[0]["userAgent"] as? String == hostile, "JSON keeps the text as sent")
        #expect(events[0]["username"] as? String == "alice\u{0}")
        #expect(events[0]["time"] as? String == "2025-12-31T23:59:55Z" && events[0]["weight"] as? Int == 2)
        let quietEvents = try #require(bans[1]["evidence"] as? [[String: Any]])
        #expect(quietEvents[0]["userAgent"] is NSNull)
    }

    @Test("explain: an address never banned, and an IPv6 address inside a /64 ban")
    func explainNothingAndIPv6() throws {
        let sandbox = try ManagementSandbox()
        #expect(try sandbox.succeed(["ban", "explain", "192.0.2.99"]) == "192.0.2.99 is not banned and has never been banned\n")
        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["ban", "explain", "192.0.2.99", "--json"])) as? [String: Any])
        #expect(json["address"] as? String == "192.0.2.99" && json["banned"] as? Bool == false)
        #expect((json["bans"] as? [Any])?.isEmpty == true && (json["allowedBy"] as? [Any])?.isEmpty == true)

        _ = try sandbox.database().insert([Self.guardBan("2001:db8:1:2::/64", jail: "sip-scanner")])
        let text = try sandbox.succeed(["ban", "explain", "2001:DB8:1:2:0:0:0:7"])
        #expect(text.hasPrefix("2001:db8:1:2::7 is banned: 1 active ban, 0 earlier bans\n\nban 1: active\n  network:     2001:db8:1:2::/64\n"), "\(text)")
        #expect(text.contains("  expires:     permanent\n"))
        #expect(text.hasSuffix("  evidence:    none\n"))
        #expect(try sandbox.succeed(["ban", "explain", "2001:db8:1:3::7"]) == "2001:db8:1:3::7 is not banned and has never been banned\n")
    }
}
