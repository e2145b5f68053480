import Foundation
import SIPTestSupport
import Storage
import Testing

/// `sipwarden rate ...`, run as the real binary on a temporary data directory.
@Suite("sipwarden rate")
struct RateCommandsTests {
    static func sandbox() throws -> ManagementSandbox {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["account", "add", "acme"])
        return sandbox
    }

    @Test("add, list, remove: default and per-account rates of one prefix coexist; prefixes as routes write them")
    func roundTrip() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.succeed(["rate", "add", "0044", "--price", "0.012"]) == "added default rate +44 (id 1)\n")
        #expect(try sandbox.succeed([
            "rate", "add", "+44", "--price", "0.01", "--connection-fee", "0.05", "--increment", "60", "--minimum", "30", "--account", "acme",
        ]) == "added rate +44 for account acme (id 2)\n")
        #expect(try sandbox.succeed(["rate", "add", "+", "--price", "1"]) == "added default rate + (id 3)\n")
        #expect(try sandbox.succeed(["rate", "add", "020", "--price", "0", "--account", "1"]) == "added rate 020 for account acme (id 4)\n")
        #expect(try sandbox.succeed(["rate", "list"]) == """
            ID  ACCOUNT    PREFIX  PER-MINUTE  CONNECTION-FEE  INCREMENT  MINIMUM
            3   (default)  +       1.00        0.00            1s         0s
            1   (default)  +44     0.012       0.00            1s         0s
            2   acme       +44     0.01        0.05            60s        30s
            4   acme       020     0.00        0.00            1s         0s

            """)
        let rows = try #require(try ManagementSandbox.json(try sandbox.succeed(["rate", "list", "--account", "acme", "--json"])) as? [[String: Any]])
        #expect(rows.map { $0["id"] as? Int } == [2, 4])
        #expect(rows[0]["account"] as? String == "acme" && rows[0]["accountId"] as? Int == 1)
        #expect(rows[0]["pricePerMinute"] as? String == "0.01" && rows[0]["pricePerMinuteMicros"] as? Int == 10_000)
        #expect(rows[0]["connectionFeeMicros"] as? Int == 50_000)
        #expect(rows[0]["incrementSeconds"] as? Int == 60 && rows[0]["minimumSeconds"] as? Int == 30)
        let all = try #require(try ManagementSandbox.json(try sandbox.succeed(["rate", "list", "--json"])) as? [[String: Any]])
        #expect(all[0]["account"] is NSNull && all[0]["accountId"] is NSNull)

        #expect(try sandbox.succeed(["rate", "remove", "1"]) == "removed rate 1\n")
        try sandbox.fail(["rate", "remove", "1"], status: 1, "sipwarden rate remove: rate 1 not found")
        #expect(try sandbox.database().allRates().map(\.id) == [3, 2, 4])

        // An account's rates go with it.
        try sandbox.succeed(["account", "remove", "acme"])
        #expect(try sandbox.database().allRates().map(\.id) == [3])
    }

    @Test("refusals and usage errors: one line each, naming the option")
    func refusals() throws {
        let sandbox = try Self.sandbox()
        try sandbox.succeed(["rate", "add", "+44", "--price", "0.01"])
        try sandbox.succeed(["rate", "add", "+44", "--price", "0.01", "--account", "acme"])
        let expected = "expected + and digits (+44), + alone, or digits, * and # (020, *98)"
        for (arguments, status, message) in [
            (["0044", "--price", "1"], 1, "default rate +44 already exists"),
            (["+44", "--price", "1", "--account", "acme"], 1, "rate +44 for account acme already exists"),
            (["+1", "--price", "1", "--account", "nobody"], 1, "account nobody not found"),
            (["+44a", "--price", "1"], 2, "\"+44a\" is not a rate prefix; \(expected)"),
            (["00", "--price", "1"], 2, "\"00\" is the international access code; write international prefixes with + (+ alone for all of them)"),
            (["+1", "--price", "-1"], 2, "--price: \"-1\" is negative; expected 0 or more"),
            (["+1", "--price", "1,5"], 2, "--price: \"1,5\" is not an amount; expected digits with an optional decimal point, like 12.50"),
            (["+1", "--price", "1", "--connection-fee", "-0.5"], 2, "--connection-fee: \"-0.5\" is negative; expected 0 or more"),
            (["+1", "--price", "1", "--increment", "0"], 2, "--increment: 0 is out of range; expected 1 to 3600"),
            (["+1", "--price", "1", "--minimum", "3601"], 2, "--minimum: 3601 is out of range; expected 0 to 3600"),
            (["+1", "--price", "1", "--minimum", "x"], 2, "--minimum: \"x\" is not a whole number"),
        ] as [([String], Int32, String)] {
            try sandbox.fail(["rate", "add"] + arguments, status: status, "sipwarden rate add: \(message)")
        }
        try sandbox.fail(["rate", "remove", "abc"], status: 2, "sipwarden rate remove: ID: \"abc\" is not a rate id")
        try sandbox.fail(["rate", "list", "--account", "nobody"], status: 1, "sipwarden rate list: account nobody not found")
        #expect(try sandbox.run(["rate", "add", "+1"]).status == 2, "--price is required")
        #expect(try sandbox.database().allRates().count == 2, "nothing refused was stored")
    }
}
