import Foundation
import SIPCore
import SIPTestSupport
import Storage
import Testing

/// `sipwarden device import`, run as the real binary.
@Suite("sipwarden device import")
struct DeviceImportCommandTests {
    @Test("a few lines, each device with its own account, or all into one")
    func imports() throws {
        let sandbox = try ManagementSandbox()
        let file = try sandbox.write("users.csv", "SEQUENTIAL\n# load test users\nu1;Secret-pass-01\r\nu2;Secret-pass-02\n\nu3;Secret-pass-03\n")
        #expect(try sandbox.succeed(["device", "import", file]) == "imported 3 devices each with its own new account\n")
        let database = try sandbox.database()
        #expect(try database.accounts().map(\.name) == ["u1", "u2", "u3"])
        let u2 = try #require(try database.device(username: "u2"))
        #expect(u2.ha1MD5 == DigestCalculator.ha1(username: "u2", realm: "sipwarden", password: "Secret-pass-02", algorithm: .md5))

        try sandbox.succeed(["account", "add", "load"])
        let shared = try sandbox.write("more.csv", "u4;Secret-pass-04\nu5;Secret-pass-05\n")
        #expect(try sandbox.succeed(["device", "import", shared, "--account", "load"]) == "imported 2 devices into account load\n")
        #expect(try database.devices(accountId: database.account(named: "load")?.id).map(\.username) == ["u4", "u5"])
        try sandbox.expectNoHA1Printed()
    }

    @Test("--max-calls sets every imported device's limit; a value out of range imports nothing")
    func maxCalls() throws {
        let sandbox = try ManagementSandbox()
        let file = try sandbox.write("trunks.csv", "t1;Secret-pass-01\nt2;Secret-pass-02\n")
        try sandbox.fail(
            ["device", "import", file, "--max-calls", "1001"], status: 2,
            "sipwarden device import: --max-calls: 1001 is out of range; expected 0 to 1000")
        #expect(try sandbox.database().devices(accountId: nil).isEmpty)
        try sandbox.succeed(["device", "import", file, "--max-calls", "30"])
        #expect(try sandbox.database().devices(accountId: nil).map(\.maxConcurrentCalls) == [30, 30])
    }

    @Test("one bad line and nothing is imported; every bad line is named")
    func allOrNothing() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["device", "add", "taken", "--generate"])
        let file = try sandbox.write("bad.csv", """
            RANDOM
            good1;Secret-pass-01
            bad@user;Secret-pass-02
            weak;short
            taken;Secret-pass-04
            good1;Secret-pass-05
            threefields;a;b

            """)
        let outcome = try sandbox.run(["device", "import", file])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.isEmpty)
        let prefix = "sipwarden device import: \(file):"
        #expect(outcome.standardError == """
            \(prefix)7: expected username;password, found 3 fields
            sipwarden device import: nothing was imported

            """, "syntax is checked first")
        let fixed = try sandbox.write("bad2.csv", "RANDOM\ngood1;Secret-pass-01\nbad@user;Secret-pass-02\nweak;short\ntaken;Secret-pass-04\ngood1;Secret-pass-05\n")
        let second = try sandbox.run(["device", "import", fixed])
        #expect(second.status == 1)
        let fixedPrefix = "sipwarden device import: \(fixed):"
        #expect(second.standardError == """
            \(fixedPrefix)3: the username contains "@", which a SIP user part cannot (RFC 3261 §25.1)
            \(fixedPrefix)4: password refused: it has 5 characters, at least 12 are required; it needs at least one digit; it needs at least one character that is neither a letter nor a digit
            \(fixedPrefix)5: device taken already exists
            \(fixedPrefix)5: account taken already exists
            \(fixedPrefix)6: username good1 repeats line 2
            sipwarden device import: nothing was imported

            """)
        let database = try sandbox.database()
        #expect(try database.devices(accountId: nil).map(\.username) == ["taken"])
        #expect(try database.accounts().map(\.name) == ["taken"])
        try sandbox.fail(["device", "import", "/nonexistent.csv"], status: 2, "sipwarden device import: cannot read /nonexistent.csv")
    }

    @Test("ten thousand lines import in one go within seconds")
    func tenThousand() throws {
        let sandbox = try ManagementSandbox()
        let file = try sandbox.write("10k.csv", "SEQUENTIAL\n" + (0..<10_000).map { "user\($0);Pass-word-\($0)x\n" }.joined())
        let start = ContinuousClock.now
        #expect(try sandbox.succeed(["device", "import", file]) == "imported 10000 devices each with its own new account\n")
        let elapsed = ContinuousClock.now - start
        // A debug build on a loaded CI machine: the bound catches a per-row transaction or an
        // quadratic check, not small regressions.
        #expect(elapsed < .seconds(30), "\(elapsed)")
        let database = try sandbox.database()
        #expect(try database.devices(accountId: nil).count == 10_000)
        #expect(try database.accounts().count == 10_000)
    }
}
