import Foundation
import SIPTestSupport
import Storage
import Testing

/// `sipwarden allow ...` and `sipwarden guard status`, run as the real binary.
@Suite("sipwarden allow and guard")
struct AllowAndGuardCommandTests {
    @Test("allow: add, list, remove; canonical networks; duplicates and unknown networks refused")
    func allowList() throws {
        let sandbox = try ManagementSandbox()
        #expect(try sandbox.succeed(["allow", "add", "192.0.2.77/24", "--note", "office \u{1F3E2}"]) == "allowed 192.0.2.0/24\n")
        #expect(try sandbox.succeed(["allow", "add", "2001:DB8::1"]) == "allowed 2001:db8::1/128\n")
        try sandbox.fail(["allow", "add", "192.0.2.0/24"], status: 1, "sipwarden allow add: allowed network 192.0.2.0/24 already exists")
        try sandbox.fail(["allow", "add", "10.0.0.0/8", "--note", "x\u{1B}y"], status: 2, "sipwarden allow add: --note: control characters are not allowed")
        try sandbox.fail(["allow", "add", "10.0.0.0/80"], status: 2, "sipwarden allow add: \"10.0.0.0/80\": the prefix length must be a number from 0 to 32")

        let lines = try sandbox.succeed(["allow", "list"]).split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(lines[0] == "NETWORK          CREATED               BY   NOTE")
        #expect(lines[1].hasPrefix("192.0.2.0/24     20") && lines[1].hasSuffix("Z  cli  office \u{1F3E2}"))
        #expect(lines[2].hasPrefix("2001:db8::1/128  20") && lines[2].hasSuffix("Z  cli  -"))
        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["allow", "list", "--json"])) as? [[String: Any]])
        #expect(json.map { $0["network"] as? String } == ["192.0.2.0/24", "2001:db8::1/128"])
        #expect(Set(json[0].keys) == ["network", "note", "createdAt", "createdBy"])
        #expect(json[1]["note"] as? String == "" && json[1]["createdBy"] as? String == "cli")

        #expect(try sandbox.succeed(["allow", "remove", "192.0.2.1/24"]) == "removed 192.0.2.0/24 from the allow-list\n")
        try sandbox.fail(["allow", "remove", "192.0.2.0/24"], status: 1, "sipwarden allow remove: allowed network 192.0.2.0/24 not found")
        #expect(try sandbox.database().allowedNetworks().map(\.network) == ["2001:db8::1/128"])
    }

    @Test("allow add names the active bans it overlaps, and leaves them")
    func allowOverBans() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["ban", "add", "192.0.2.7"])
        #expect(try sandbox.succeed(["allow", "add", "192.0.2.0/24"]) == """
            allowed 192.0.2.0/24
            192.0.2.0/24 overlaps the active manual ban of 192.0.2.7/32; to lift it: sipwarden ban remove 192.0.2.7/32

            """)
        #expect(try sandbox.database().activeBans(at: Date()).count == 1)
    }

    @Test("guard status: refused until the server writes a snapshot; then jails, counts from the ban table, top sources")
    func status() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.fail(["guard", "status"], status: 1, "sipwarden guard status: the server has not written a status yet (is it running?)")
        try sandbox.fail(["guard", "status", "--json"], status: 1, "sipwarden guard status: the server has not written a status yet (is it running?)")

        let database = try sandbox.database()
        let written = Date().addingTimeInterval(-2)
        try database.saveGuardStatus(GuardStatusSnapshot(
            updatedAt: written,
            jails: [
                JailStatus(name: "sip-auth", mode: "enforce", kinds: ["unknown_user": 2, "auth_failure": 1], threshold: 10,
                           windowSeconds: 600, banSeconds: 3_600, eventsCounted: 42, bansIssued: 3, activeBans: 2),
                JailStatus(name: "sip-scanner", mode: "observe", kinds: ["scanner": 10], threshold: 10, windowSeconds: nil,
                           banSeconds: nil, eventsCounted: 5, wouldBan: 4),
            ],
            topSources: [SourceStatus(source: "198.51.100.9/32", jail: "sip-auth", score: 8,
                                      lastSeen: Date(timeIntervalSince1970: 1_767_225_600))],
            trackedSources: 17, activeBans: 2))
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        _ = try database.insert([
            Ban(network: "192.0.2.1/32", jail: "sip-auth", reason: "r", startedAt: start, expiresAt: nil, createdBy: "guard"),
            Ban(network: "192.0.2.2/32", jail: "sip-auth", reason: "r", startedAt: start, expiresAt: start.addingTimeInterval(60), createdBy: "guard"),
        ])
        try sandbox.succeed(["ban", "add", "192.0.2.3"])

        let text = try sandbox.succeed(["guard", "status"])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count == 12, "\(text)")
        #expect(lines[0].hasPrefix("updated:          \(written.formatted(.iso8601)) (") && lines[0].hasSuffix(" s ago)"), "\(lines[0])")
        #expect(Array(lines[1...]) == [
            "tracked sources:  17",
            "active bans:      2",
            "",
            "JAIL         MODE     THRESHOLD  BAN        EVENTS  BANS  WOULD-BAN  ACTIVE  WEIGHTS",
            "sip-auth     enforce  10 in 10m  1h         42      3     -          1       auth_failure=1,unknown_user=2",
            "sip-scanner  observe  10         permanent  5       0     4          0       scanner=10",
            "manual       -        -          -          -       -     -          1       -",
            "",
            "SOURCE           JAIL      SCORE  LAST-SEEN",
            "198.51.100.9/32  sip-auth  8      2026-01-01T00:00:00Z",
            "",
        ])

        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["guard", "status", "--json"])) as? [String: Any])
        #expect(json["trackedSources"] as? Int == 17 && json["activeBans"] as? Int == 2 && json["activeBansInServer"] as? Int == 2)
        #expect(json["updatedAt"] as? String == written.formatted(.iso8601))
        #expect((json["ageSeconds"] as? Int).map { (0...60).contains($0) } == true)
        #expect(json["otherActiveBans"] as? [String: Int] == ["manual": 1])
        let jails = try #require(json["jails"] as? [[String: Any]])
        try #require(jails.count == 2)
        #expect(jails[0]["name"] as? String == "sip-auth" && jails[0]["activeBans"] as? Int == 1 && jails[0]["activeBansInServer"] as? Int == 2)
        #expect(jails[0]["kinds"] as? [String: Int] == ["auth_failure": 1, "unknown_user": 2])
        #expect(jails[0]["windowSeconds"] as? Int == 600 && jails[0]["banSeconds"] as? Int == 3_600)
        #expect(jails[1]["windowSeconds"] is NSNull && jails[1]["banSeconds"] is NSNull && jails[1]["wouldBan"] as? Int == 4)
        let sources = try #require(json["topSources"] as? [[String: Any]])
        #expect(sources.first?["source"] as? String == "198.51.100.9/32" && sources.first?["score"] as? Int == 8)
        #expect(sources.first?["lastSeen"] as? String == "2026-01-01T00:00:00Z")
    }

    @Test("guard status says when the snapshot is old, and when no source is being scored")
    func staleStatus() throws {
        let sandbox = try BanCommandTests.sandboxWithDatabase()
        let written = Date().addingTimeInterval(-600)
        try sandbox.database().saveGuardStatus(GuardStatusSnapshot(updatedAt: written, jails: [], topSources: [], trackedSources: 0, activeBans: 0))
        let text = try sandbox.succeed(["guard", "status"])
        #expect(text.hasPrefix("updated:          \(written.formatted(.iso8601)) (6"), "\(text)")
        #expect(text.contains(" s ago; the server writes it every few seconds: is it still running?)\n"))
        #expect(text.hasSuffix("\nno sources are being scored\n"))
    }

    @Test("--help explains ban, allow and guard; the root lists them")
    func help() throws {
        let binary = try ProcessRunner.product("sipwarden")
        let root = try ProcessRunner.run(binary, ["--help"])
        for noun in ["ban", "allow", "guard"] {
            #expect(root.standardOutput.contains(noun))
            #expect(try ProcessRunner.run(binary, [noun, "--help"]).status == 0)
        }
        let add = try ProcessRunner.run(binary, ["ban", "add", "--help"])
        for option in ["--for", "--reason", "--data-dir", "--config"] {
            #expect(add.standardOutput.contains(option), "\(option)")
        }
    }
}
