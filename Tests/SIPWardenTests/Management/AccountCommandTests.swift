import Foundation
import SIPTestSupport
import Storage
import Testing

/// `sipwarden account ...`, run as the real binary on a temporary data directory.
@Suite("sipwarden account")
struct AccountCommandTests {
    @Test("add with the secure defaults, list, show, set, remove")
    func lifecycle() throws {
        let sandbox = try ManagementSandbox()
        #expect(try sandbox.succeed(["account", "add", "acme"]) == "added account acme (id 1)\n")
        #expect(try sandbox.succeed(["account", "add", "globex", "--billing", "postpaid", "--credit-limit", "100", "--balance", "-12.5"])
            == "added account globex (id 2)\n")
        let permissions = try FileManager.default.attributesOfItem(atPath: sandbox.dataDirectory)[.posixPermissions] as? Int
        #expect(permissions == 0o700, "the data directory is created owner-only")

        #expect(try sandbox.succeed(["account", "list"]) == """
            ID  NAME    BILLING   BALANCE  CREDIT-LIMIT  BLOCKED  DEVICES
            1   acme    prepaid   0.00     0.00          no       0
            2   globex  postpaid  -12.50   100.00        no       0

            """)
        let list = try #require(try ManagementSandbox.json(try sandbox.succeed(["account", "list", "--json"])) as? [[String: Any]])
        try #require(list.count == 2)
        #expect(list[1]["name"] as? String == "globex")
        #expect(list[1]["balanceMicros"] as? Int == -12_500_000)
        #expect(list[1]["balance"] as? String == "-12.50")
        #expect(list[1]["creditLimit"] as? String == "100.00")
        #expect(list[0]["billing"] as? String == "prepaid")
        #expect(list[0]["blocked"] as? Bool == false)
        #expect(list[0]["blockedReason"] is NSNull)

        try sandbox.succeed(["account", "set", "acme", "--block", "fraud suspected", "--balance", "5", "--name", "acme-ltd"])
        let show = try #require(try ManagementSandbox.json(try sandbox.succeed(["account", "show", "1", "--json"])) as? [String: Any])
        #expect(show["name"] as? String == "acme-ltd")
        #expect(show["blocked"] as? Bool == true)
        #expect(show["blockedReason"] as? String == "fraud suspected")
        #expect(show["balanceMicros"] as? Int == 5_000_000)
        let text = try sandbox.succeed(["account", "show", "acme-ltd"])
        #expect(text.contains("blocked:            yes: fraud suspected\n"))
        try sandbox.succeed(["account", "set", "acme-ltd", "--unblock"])
        #expect(try sandbox.database().account(named: "acme-ltd")?.blocked == false)

        #expect(try sandbox.succeed(["account", "remove", "acme-ltd"]) == "removed account acme-ltd\n")
        try sandbox.fail(["account", "show", "acme-ltd"], status: 1, "sipwarden account show: account acme-ltd not found")
    }

    @Test("refusals exit 1, usage errors exit 2, each with one precise line")
    func errors() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["account", "add", "acme"])
        try sandbox.fail(["account", "add", "acme"], status: 1, "sipwarden account add: account acme already exists")
        try sandbox.fail(["account", "add", "x", "--billing", "free"], status: 2,
                         "sipwarden account add: --billing: expected prepaid or postpaid, got \"free\"")
        try sandbox.fail(["account", "add", "x", "--credit-limit", "-5"], status: 2,
                         "sipwarden account add: --credit-limit: \"-5\" is negative; expected 0 or more")
        try sandbox.fail(["account", "add", "x", "--balance", "1.5e3"], status: 2,
                         "sipwarden account add: --balance: \"1.5e3\" is not an amount; expected digits with an optional decimal point, like 12.50")
        try sandbox.fail(["account", "add", "bad\nname"], status: 2, "sipwarden account add: NAME: control characters are not allowed")
        try sandbox.fail(["account", "set", "acme", "--block", "x", "--unblock"], status: 2, "sipwarden account set: give --block or --unblock, not both")
        try sandbox.fail(["account", "remove", "nobody"], status: 1, "sipwarden account remove: account nobody not found")
        try sandbox.fail(["account", "set", "acme"], status: 2, "sipwarden account set: nothing to change: give at least one option")
        #expect(try sandbox.database().accounts().map(\.name) == ["acme"], "nothing refused was stored")

        try sandbox.succeed(["device", "add", "alice", "--account", "acme", "--password-stdin"], input: "Correct-horse-9\n")
        try sandbox.fail(["account", "remove", "acme"], status: 1,
                         "sipwarden account remove: account acme still has 1 device (alice); remove or move it first")
    }

    @Test("call limits: defaults, set, shown, cleared; prefixes normalised like route prefixes")
    func callLimits() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["account", "add", "acme"])
        #expect(try sandbox.succeed(["account", "show", "acme"]).contains("""
            max calls:          10
            max call duration:  server limit
            allowed prefixes:   any
            denied prefixes:    none

            """))
        try sandbox.succeed(["account", "add", "globex", "--max-calls", "0", "--max-call-duration", "60", "--allow-prefixes", "0044, +33 1,+44"])
        let globex = try #require(try sandbox.database().account(named: "globex"))
        #expect(globex.maxConcurrentCalls == 0 && globex.maxCallSeconds == 60)
        #expect(globex.allowedPrefixes == ["+44", "+331"] && globex.deniedPrefixes.isEmpty)

        try sandbox.succeed(["account", "set", "acme", "--max-calls", "10000", "--max-call-duration", "86400", "--deny-prefixes", "+449,+882"])
        #expect(try sandbox.succeed(["account", "show", "acme"]).contains("""
            max calls:          10000
            max call duration:  86400 s
            allowed prefixes:   any
            denied prefixes:    +449, +882

            """))
        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["account", "show", "acme", "--json"])) as? [String: Any])
        #expect(json["maxCalls"] as? Int == 10_000 && json["maxCallSeconds"] as? Int == 86_400)
        #expect(json["allowedPrefixes"] as? [String] == [] && json["deniedPrefixes"] as? [String] == ["+449", "+882"])

        try sandbox.succeed(["account", "set", "acme", "--max-call-duration", "none", "--deny-prefixes", ""])
        try sandbox.succeed(["account", "set", "globex", "--allow-prefixes", ""])
        let cleared = try #require(try ManagementSandbox.json(try sandbox.succeed(["account", "list", "--json"])) as? [[String: Any]])
        #expect(cleared.map { $0["maxCallSeconds"] is NSNull } == [true, false])
        #expect(cleared.map { $0["deniedPrefixes"] as? [String] } == [[], []])
        #expect(cleared.map { $0["allowedPrefixes"] as? [String] } == [[], []])
        #expect(try sandbox.database().account(named: "acme")?.maxConcurrentCalls == 10_000, "options not given stay")

        let expected = "expected + and digits (+44), + alone, or digits, * and # (020, *98)"
        for (arguments, message) in [
            (["--max-calls", "10001"], "--max-calls: 10001 is out of range; expected 0 to 10000"),
            (["--max-calls", "-1"], "--max-calls: -1 is out of range; expected 0 to 10000"),
            (["--max-calls", "ten"], "--max-calls: \"ten\" is not a whole number"),
            (["--max-call-duration", "0"], "--max-call-duration: 0 is out of range; expected 1 to 86400"),
            (["--max-call-duration", "86401"], "--max-call-duration: 86401 is out of range; expected 1 to 86400"),
            (["--max-call-duration", "1h"], "--max-call-duration: expected seconds (1 to 86400) or none, got \"1h\""),
            (["--max-call-duration", ""], "--max-call-duration: expected seconds (1 to 86400) or none, got \"\""),
            (["--allow-prefixes", "+44,abc"], "--allow-prefixes: \"abc\" is not a number prefix; \(expected)"),
            (["--deny-prefixes", "00"], "--deny-prefixes: \"00\" is the international access code; write international prefixes with + (+ alone for all of them)"),
        ] {
            try sandbox.fail(["account", "set", "acme"] + arguments, status: 2, "sipwarden account set: \(message)")
        }
        try sandbox.fail(["account", "add", "initech", "--max-calls", "x"], status: 2, "sipwarden account add: --max-calls: \"x\" is not a whole number")
        #expect(try sandbox.database().accounts().map(\.name) == ["acme", "globex"])
        #expect(try sandbox.database().account(named: "acme")?.maxCallSeconds == nil, "nothing refused was stored")
    }

    @Test("a bad configuration is a usage error")
    func badConfiguration() throws {
        let sandbox = try ManagementSandbox()
        let config = try sandbox.write("bad.yaml", "auth:\n  password:\n    min_length: 0\n")
        let outcome = try sandbox.run(["account", "list", "--config", config])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.hasPrefix("sipwarden account list: configuration error: auth.password.min_length"), "\(outcome.standardError)")
    }
}
