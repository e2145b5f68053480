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
        #expect(text.contains("blocked:       yes: fraud suspected\n"))
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

    @Test("a bad configuration is a usage error")
    func badConfiguration() throws {
        let sandbox = try ManagementSandbox()
        let config = try sandbox.write("bad.yaml", "auth:\n  password:\n    min_length: 0\n")
        let outcome = try sandbox.run(["account", "list", "--config", config])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.hasPrefix("sipwarden account list: configuration error: auth.password.min_length"), "\(outcome.standardError)")
    }
}
