import Foundation
import SIPCore
import SIPTestSupport
import Storage
import Testing

/// `sipwarden device ...`, run as the real binary on a temporary data directory.
@Suite("sipwarden device")
struct DeviceCommandTests {
    static func ha1(_ username: String, _ realm: String, _ password: String) -> (String, String) {
        (DigestCalculator.ha1(username: username, realm: realm, password: password, algorithm: .md5),
         DigestCalculator.ha1(username: username, realm: realm, password: password, algorithm: .sha256))
    }

    @Test("without --account a device gets its own prepaid, zero account; only HA1 values are stored")
    func addOwnAccount() throws {
        let sandbox = try ManagementSandbox()
        let output = try sandbox.succeed(
            ["device", "add", "alice", "--password-stdin", "--caller-id", "+15551230001", "--max-contacts", "5", "--max-calls", "1",
             "--allowed-network", "192.0.2.77/24", "--allowed-network", "2001:DB8::1"],
            input: "Correct-horse-9\n")
        #expect(output == "added device alice (new account alice)\n")
        let database = try sandbox.database()
        let device = try #require(try database.device(username: "alice"))
        let account = try #require(try database.account(id: device.accountId))
        #expect(account.name == "alice" && account.billing == .prepaid && account.balanceMicros == 0 && account.creditLimitMicros == 0)
        let (md5, sha256) = Self.ha1("alice", "sipwarden", "Correct-horse-9")
        #expect(device.realm == "sipwarden" && device.ha1MD5 == md5 && device.ha1SHA256 == sha256)
        #expect(device.allowedNetworks == ["192.0.2.0/24", "2001:db8::1/128"])
        #expect(device.callerID == "+15551230001" && device.maxContacts == 5 && device.maxConcurrentCalls == 1)
        try sandbox.expectNoHA1Printed()
    }

    @Test("--generate prints the password once; it verifies against the stored HA1 of the configured realm")
    func generate() throws {
        let sandbox = try ManagementSandbox()
        let config = try sandbox.write("sipwarden.yaml", "auth:\n  realm: test.example\n  password:\n    min_length: 24\n")
        try sandbox.succeed(["account", "add", "acme"])
        let output = try sandbox.succeed(["device", "add", "bob", "--generate", "--account", "acme", "--config", config])
        #expect(output.hasSuffix("\n") && output.split(separator: "\n").count == 1)
        let password = String(output.dropLast())
        #expect(password.count == 24)
        let device = try #require(try sandbox.database().device(username: "bob"))
        let (md5, sha256) = Self.ha1("bob", "test.example", password)
        #expect(device.realm == "test.example" && device.ha1MD5 == md5 && device.ha1SHA256 == sha256)
        #expect(try sandbox.database().account(id: device.accountId)?.name == "acme")

        // A new generated password replaces the old one; show never prints either.
        let again = try sandbox.succeed(["device", "set", "bob", "--generate", "--config", config])
        let second = String(again.dropLast())
        #expect(second != password)
        let changed = try #require(try sandbox.database().device(username: "bob"))
        #expect(changed.ha1SHA256 == Self.ha1("bob", "test.example", second).1)
        let shown = try sandbox.succeed(["device", "show", "bob", "--config", config])
        #expect(!shown.contains(second) && !shown.contains(password))
        try sandbox.expectNoHA1Printed()
    }

    @Test("a weak password is refused with its reason, exit 1, and nothing is stored", arguments: [
        ("short-1A", "password refused: it has 8 characters, at least 12 are required"),
        ("alllettersandsymbols!", "password refused: it needs at least one digit"),
        ("My-alice-pass-1", "password refused: it contains the username"),
    ])
    func weakPassword(_ password: String, _ reason: String) throws {
        let sandbox = try ManagementSandbox()
        try sandbox.fail(["device", "add", "alice", "--password-stdin"], input: password + "\n", status: 1, "sipwarden device add: " + reason)
        let database = try sandbox.database()
        #expect(try database.devices(accountId: nil).isEmpty)
        #expect(try database.accounts().isEmpty, "no half-made account")
    }

    @Test("a password from a file; the configured policy applies")
    func passwordFile() throws {
        let sandbox = try ManagementSandbox()
        let file = try sandbox.write("pw", "abcd\n")
        let config = try sandbox.write("lenient.yaml", "auth:\n  password:\n    min_length: 4\n    require_mixed: false\n")
        try sandbox.fail(["device", "add", "carol", "--password-file", file], status: 1,
                         "sipwarden device add: password refused: it has 4 characters, at least 12 are required; it needs at least one digit; it needs at least one character that is neither a letter nor a digit")
        try sandbox.succeed(["device", "add", "carol", "--password-file", file, "--config", config])
        #expect(try sandbox.database().device(username: "carol")?.ha1MD5 == Self.ha1("carol", "sipwarden", "abcd").0)
    }

    @Test("usage and refusals", arguments: [
        (["device", "add", "alice"], Int32(2), "sipwarden device add: a password is required: give --password-stdin, --password-file or --generate"),
        (["device", "add", "alice", "--generate", "--password-stdin"], 2, "sipwarden device add: give only one of --password-stdin, --password-file or --generate"),
        (["device", "add", "alice@example.com", "--generate"], 1,
         "sipwarden device add: username refused: the username contains \"@\", which a SIP user part cannot (RFC 3261 §25.1)"),
        (["device", "add", "alice", "--generate", "--account", "nobody"], 1, "sipwarden device add: account nobody not found"),
        (["device", "add", "alice", "--generate", "--allowed-network", "10.0.0.0/33"], 2,
         "sipwarden device add: --allowed-network: \"10.0.0.0/33\": the prefix length must be a number from 0 to 32"),
        (["device", "add", "alice", "--generate", "--max-contacts", "0"], 2, "sipwarden device add: --max-contacts: 0 is out of range; expected 1 to 100"),
        (["device", "add", "alice", "--generate", "--max-calls", "two"], 2, "sipwarden device add: --max-calls: \"two\" is not a whole number"),
        (["device", "add", "alice", "--password-file", "/nonexistent/pw"], 2, "sipwarden device add: --password-file: cannot read /nonexistent/pw"),
        (["device", "show", "nobody"], 1, "sipwarden device show: device nobody not found"),
        (["device", "set", "nobody"], 2, "sipwarden device set: nothing to change: give at least one option"),
        (["device", "set", "nobody", "--max-calls", "1"], 1, "sipwarden device set: device nobody not found"),
        (["device", "remove", "nobody"], 1, "sipwarden device remove: device nobody not found"),
    ])
    func errors(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let sandbox = try ManagementSandbox()
        try sandbox.fail(arguments, status: status, message)
        #expect(try sandbox.database().devices(accountId: nil).isEmpty)
        #expect(try sandbox.database().accounts().isEmpty)
    }

    @Test("an existing device or account of the same name is refused")
    func duplicates() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["device", "add", "alice", "--generate"])
        try sandbox.fail(["device", "add", "alice", "--generate", "--account", "alice"], status: 1, "sipwarden device add: device alice already exists")
        try sandbox.succeed(["account", "add", "bob"])
        try sandbox.fail(["device", "add", "bob", "--generate"], status: 1,
                         "sipwarden device add: account bob already exists; to add the device to it, give --account bob")
        #expect(try sandbox.database().devices(accountId: nil).count == 1)
    }

    @Test("aliases ring one device each: another device's username or alias is refused; set replaces, empty clears")
    func aliases() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["device", "add", "alice", "--generate", "--aliases", "1001, 200,1001"])
        #expect(try sandbox.database().device(username: "alice")?.aliases == ["1001", "200"])
        try sandbox.fail(["device", "add", "bob", "--generate", "--aliases", "200"], status: 1,
                         "sipwarden device add: alias 200 already rings device alice")
        try sandbox.fail(["device", "add", "bob", "--generate", "--aliases", "alice"], status: 1,
                         "sipwarden device add: alias alice already rings device alice")
        try sandbox.fail(["device", "set", "alice", "--aliases", "alice"], status: 1,
                         "sipwarden device set: alias alice is the device's own username")
        try sandbox.fail(["device", "set", "alice", "--aliases", "10%G1"], status: 2,
                         "sipwarden device set: --aliases: 10%G1: the username has a \"%\" not followed by two hex digits (RFC 3261 §25.1 escaped)")
        try sandbox.succeed(["device", "add", "bob", "--generate", "--aliases", "300"])
        try sandbox.succeed(["device", "set", "alice", "--aliases", "1002"])
        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["device", "show", "alice", "--json"])) as? [String: Any])
        #expect(json["aliases"] as? [String] == ["1002"])
        try sandbox.succeed(["device", "set", "alice", "--aliases", ""])
        #expect(try sandbox.database().device(username: "alice")?.aliases == [])
        #expect(try sandbox.database().devices(accountId: nil).count == 2)
    }

    @Test("list, show and their JSON; set and remove")
    func listShowSetRemove() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["account", "add", "acme"])
        try sandbox.succeed(["device", "add", "alice", "--account", "acme", "--password-stdin", "--allowed-network", "198.51.100.0/24"], input: "Correct-horse-9\n")
        try sandbox.succeed(["device", "add", "bob", "--password-stdin"], input: "Battery-staple-8\n")
        try sandbox.succeed(["did", "add", "+15551230001", "--device", "alice"])
        let database = try sandbox.database()
        let alice = try #require(try database.device(username: "alice"))
        try database.applyRegistrationChanges(
            upserts: [Registration(deviceId: alice.id ?? 0, contact: "sip:alice@198.51.100.7:5060", expiresAt: Date().addingTimeInterval(600),
                                   callID: "c1", cseq: 1, sourceIP: "198.51.100.7", sourcePort: 5060, transport: "udp", updatedAt: Date())],
            removals: [])

        #expect(try sandbox.succeed(["device", "list"]) == """
            USERNAME  ACCOUNT  CALLER-ID  MAX-CONTACTS  MAX-CALLS  NETWORKS         REGISTRATIONS
            alice     acme     -          3             2          198.51.100.0/24  1
            bob       bob      -          3             2          anywhere         0

            """)
        #expect(try sandbox.succeed(["device", "list", "--account", "acme"]).split(separator: "\n").count == 2)
        let list = try #require(try ManagementSandbox.json(try sandbox.succeed(["device", "list", "--json"])) as? [[String: Any]])
        #expect(list.map { $0["username"] as? String } == ["alice", "bob"])
        let shown = try #require(try ManagementSandbox.json(try sandbox.succeed(["device", "show", "alice", "--json"])) as? [String: Any])
        #expect(shown["account"] as? String == "acme")
        #expect(shown["password"] as? String == "set")
        #expect(shown["registrations"] as? Int == 1)
        #expect(shown["allowedNetworks"] as? [String] == ["198.51.100.0/24"])
        #expect(shown["dids"] as? [String] == ["+15551230001"])
        #expect(shown["callerID"] is NSNull)
        #expect(Set(shown.keys) == ["id", "username", "accountId", "account", "realm", "password", "callerID", "callerIDChoice", "maxContacts",
                                    "maxCalls", "allowedNetworks", "aliases", "registrations", "dids", "createdAt"])
        let text = try sandbox.succeed(["device", "show", "alice"])
        #expect(text.contains("registrations:     1\n") && text.contains("account:           acme (id 1)\n"), "\(text)")

        try sandbox.succeed(["device", "set", "alice", "--account", "bob", "--clear-allowed-networks", "--caller-id", "Alice", "--password-stdin"],
                            input: "New-password-77\n")
        let changed = try #require(try database.device(username: "alice"))
        #expect(changed.allowedNetworks.isEmpty && changed.callerID == "Alice")
        #expect(try database.account(id: changed.accountId)?.name == "bob")
        #expect(changed.ha1MD5 == Self.ha1("alice", "sipwarden", "New-password-77").0)
        try sandbox.fail(["device", "set", "alice", "--allowed-network", "10.0.0.0/8", "--clear-allowed-networks"], status: 2,
                         "sipwarden device set: give --allowed-network or --clear-allowed-networks, not both")
        try sandbox.fail(["device", "set", "alice", "--password-stdin"], input: "weak\n", status: 1,
                         "sipwarden device set: password refused: it has 4 characters, at least 12 are required; it needs at least one digit; it needs at least one character that is neither a letter nor a digit")
        #expect(try database.device(username: "alice")?.ha1MD5 == changed.ha1MD5, "a refused password changes nothing")

        #expect(try sandbox.succeed(["device", "remove", "alice"]) == "removed device alice\n")
        #expect(try database.registrations(deviceId: nil).isEmpty && database.dids().isEmpty)
        #expect(try database.account(named: "acme") != nil, "the account stays")
        try sandbox.expectNoHA1Printed()
    }
}
