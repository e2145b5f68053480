import Foundation
import SIPTestSupport
import Storage
import Testing

/// `sipwarden route ...`, run as the real binary on a temporary data directory.
@Suite("sipwarden route")
struct RouteCommandTests {
    /// Two providers, one with a tech prefix.
    static func sandbox() throws -> ManagementSandbox {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["provider", "add", "carrier", "--host", "192.0.2.10", "--tech-prefix", "5511#"])
        try sandbox.succeed(["provider", "add", "backup", "--host", "192.0.2.20"])
        return sandbox
    }

    @Test("add, list, remove: prefixes in their + form, an example rewrite per route, the high-risk note")
    func roundTrip() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.succeed(["route", "add", "+44", "--provider", "carrier", "--strip", "1"]) == "added route +44 via provider carrier\n")
        #expect(try sandbox.succeed(["route", "add", "0044", "--provider", "backup", "--priority", "20", "--strip", "1", "--add", "00"])
                == "added route +44 via provider backup\n")
        #expect(try sandbox.succeed(["route", "add", "+44 9", "--provider", "carrier"]) == "added route +449 via provider carrier\n")
        try sandbox.succeed(["route", "add", "020", "--provider", "backup"])
        try sandbox.succeed(["route", "add", "+", "--provider", "backup", "--strip", "1", "--add", "00"])
        // +691 is denied, +69 as a whole is not: no note.
        try sandbox.succeed(["route", "add", "+69", "--provider", "backup"])
        #expect(try sandbox.succeed(["route", "list"]) == """
            PREFIX  PROVIDER  PRIORITY  STRIP  ADD  TECH-PREFIX  EXAMPLE                          NOTE
            +       backup    0         1      00   -            +1234567 -> 001234567            -
            +44     carrier   0         1      -    5511#        +441234567 -> 5511#441234567     -
            +44     backup    20        1      00   -            +441234567 -> 00441234567        -
            +449    carrier   0         0      -    5511#        +4491234567 -> 5511#+4491234567  high-risk (+449): calls will be refused unless the account allows it
            +69     backup    0         0      -    -            +691234567 -> +691234567         -
            020     backup    0         0      -    -            0201234567 -> 0201234567         -

            """)

        let stored = try sandbox.database().routes(prefix: "+44")
        #expect(stored.map(\.priority) == [0, 20] && stored.map(\.add) == ["", "00"])

        #expect(try sandbox.succeed(["route", "remove", "+44", "--provider", "backup"]) == "removed route +44 via provider backup\n")
        try sandbox.fail(["route", "remove", "+44", "--provider", "backup"], status: 1, "sipwarden route remove: no route +44 via provider backup")
        try sandbox.succeed(["route", "add", "+44", "--provider", "backup"])
        #expect(try sandbox.succeed(["route", "remove", "00 44"]) == "removed 2 routes of +44\n")
        #expect(try sandbox.succeed(["route", "remove", "+449"]) == "removed 1 route of +449\n")
        try sandbox.fail(["route", "remove", "+44"], status: 1, "sipwarden route remove: no route +44")
        #expect(try sandbox.database().routes().map(\.prefix) == ["+", "+69", "020"])

        // A provider's routes go with it.
        try sandbox.succeed(["provider", "remove", "backup"])
        #expect(try sandbox.succeed(["route", "list"]) == "PREFIX  PROVIDER  PRIORITY  STRIP  ADD  TECH-PREFIX  EXAMPLE  NOTE\n")
    }

    @Test("--json: one object per route, with the example and the high-risk entry")
    func json() throws {
        let sandbox = try Self.sandbox()
        try sandbox.succeed(["route", "add", "+44", "--provider", "carrier", "--strip", "1", "--add", "00"])
        try sandbox.succeed(["route", "add", "+449", "--provider", "carrier", "--priority", "5"])
        try sandbox.succeed(["provider", "set", "carrier", "--disable"])
        let rows = try #require(try ManagementSandbox.json(try sandbox.succeed(["route", "list", "--json"])) as? [[String: Any]])
        try #require(rows.count == 2)
        #expect(Set(rows[0].keys) == ["prefix", "provider", "priority", "strip", "add", "techPrefix", "providerEnabled", "example", "highRisk", "createdAt"])
        #expect(rows[0]["prefix"] as? String == "+44" && rows[0]["provider"] as? String == "carrier")
        #expect(rows[0]["priority"] as? Int == 0 && rows[0]["strip"] as? Int == 1 && rows[0]["add"] as? String == "00")
        #expect(rows[0]["techPrefix"] as? String == "5511#" && rows[0]["providerEnabled"] as? Bool == false)
        #expect(rows[0]["example"] as? [String: String] == ["dialled": "+441234567", "sent": "5511#00441234567"])
        #expect(rows[0]["highRisk"] is NSNull)
        #expect(rows[1]["priority"] as? Int == 5)
        #expect(rows[1]["highRisk"] as? [String: String] == ["prefix": "+449", "reason": "United Kingdom: premium-rate numbers"])
        #expect(try sandbox.succeed(["route", "list"]).contains("high-risk (+449): calls will be refused unless the account allows it; provider disabled"))
    }

    @Test("refusals and usage errors: one line each")
    func refusals() throws {
        let sandbox = try Self.sandbox()
        try sandbox.succeed(["route", "add", "+44", "--provider", "carrier"])
        let expected = "expected + and digits (+44), + alone, or digits, * and # (020, *98)"
        for (arguments, status, message) in [
            (["+44", "--provider", "carrier"], 1, "route +44 via provider carrier already exists"),
            (["0044", "--provider", "carrier"], 1, "route +44 via provider carrier already exists"),
            (["+1", "--provider", "nobody"], 1, "no provider named nobody"),
            (["+1", "--provider", "evil\u{1B}[2J"], 1, "no provider named evil\\u{1B}[2J"),
            (["+44a", "--provider", "carrier"], 2, "\"+44a\" is not a route prefix; \(expected)"),
            (["+44*", "--provider", "carrier"], 2, "\"+44*\" is not a route prefix; \(expected)"),
            (["4+4", "--provider", "carrier"], 2, "\"4+4\" is not a route prefix; \(expected)"),
            (["-", "--provider", "carrier"], 2, "\"-\" is not a route prefix; \(expected)"),
            (["00", "--provider", "carrier"], 2, "\"00\" is the international access code; write international prefixes with + (+ alone for all of them)"),
            ([String(repeating: "1", count: 33), "--provider", "carrier"], 2, "\"\(String(repeating: "1", count: 33))\" is not a route prefix; at most 32 digits"),
            (["+1", "--provider", "carrier", "--strip", "33"], 2, "--strip: 33 is out of range; expected 0 to 32"),
            (["+1", "--provider", "carrier", "--priority", "x"], 2, "--priority: \"x\" is not a whole number"),
            (["+1", "--provider", "carrier", "--add", "00;user=phone"], 2, "--add: up to 16 digits, +, * or #"),
        ] as [([String], Int32, String)] {
            try sandbox.fail(["route", "add"] + arguments, status: status, "sipwarden route add: \(message)")
        }
        try sandbox.fail(["route", "remove", "+1", "--provider", "nobody"], status: 1, "sipwarden route remove: no provider named nobody")
        try sandbox.fail(["route", "remove", "+1"], status: 1, "sipwarden route remove: no route +1")
        try sandbox.fail(["route", "remove", "abc"], status: 2, "sipwarden route remove: \"abc\" is not a route prefix; \(expected)")
        #expect(try sandbox.run(["route", "add", "+1"]).status == 2, "--provider is required")
        #expect(try sandbox.database().routes().map(\.prefix) == ["+44"])
    }

    @Test("--help says when changes take effect; the root lists route")
    func help() throws {
        let binary = try ProcessRunner.product("sipwarden")
        let help = try ProcessRunner.run(binary, ["route", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("Changes take effect within about a second"))
        let add = try ProcessRunner.run(binary, ["route", "add", "--help"])
        for option in ["--provider", "--priority", "--strip", "--add", "--data-dir", "--config"] {
            #expect(add.standardOutput.contains(option), "\(option)")
        }
        #expect(try ProcessRunner.run(binary, ["--help"]).standardOutput.contains("route"))
    }
}
