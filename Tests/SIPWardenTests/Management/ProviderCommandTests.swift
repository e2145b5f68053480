import Foundation
import SIPCore
import SIPTestSupport
import Storage
import Testing

/// `sipwarden provider ...`, run as the real binary on a temporary data directory.
@Suite("sipwarden provider")
struct ProviderCommandTests {
    @Test("identified by IP: any port by default; hosts normalised; list, show, set, remove")
    func byIP() throws {
        let sandbox = try ManagementSandbox()
        #expect(try sandbox.succeed(["provider", "add", "carrier", "--host", "192.0.2.10", "--host", "[2001:DB8::5]", "--host", "SIP.Carrier.Example.",
                                      "--tech-prefix", "00"]) == "added provider carrier (id 1)\n")
        let provider = try #require(try sandbox.database().provider(named: "carrier"))
        #expect(provider.hosts == ["192.0.2.10", "2001:db8::5", "sip.carrier.example"])
        #expect(provider.port == nil && provider.identification == .ip && provider.enabled && provider.registerHA1MD5 == nil)
        #expect(try sandbox.succeed(["provider", "list"]) == """
            ID  NAME     HOSTS                                       PORT  TRANSPORT  IDENTIFICATION  TECH-PREFIX  ENABLED
            1   carrier  192.0.2.10,2001:db8::5,sip.carrier.example  any   udp        ip              00           yes

            """)
        let shown = try #require(try ManagementSandbox.json(try sandbox.succeed(["provider", "show", "carrier", "--json"])) as? [String: Any])
        #expect(shown["port"] is NSNull)
        #expect(shown["registerPassword"] is NSNull)
        #expect(shown["hosts"] as? [String] == ["192.0.2.10", "2001:db8::5", "sip.carrier.example"])

        try sandbox.succeed(["provider", "set", "1", "--port", "5070", "--transport", "tcp", "--disable", "--name", "carrier2"])
        let changed = try #require(try sandbox.database().provider(id: 1))
        #expect(changed.name == "carrier2" && changed.port == 5070 && changed.transport == .tcp && !changed.enabled)
        #expect(try sandbox.succeed(["provider", "remove", "carrier2"]) == "removed provider carrier2\n")
        #expect(try sandbox.database().providers().isEmpty)
    }

    @Test("identified by registration: HA1 values for the realm (default: the first host), never printed")
    func byRegistration() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(
            ["provider", "add", "trunk", "--host", "sip.trunk.example", "--identification", "registration", "--register-username", "acct77",
             "--password-stdin", "--register-expires", "600", "--register-call-id", "new"],
            input: "carrier-given\n")
        let provider = try #require(try sandbox.database().provider(named: "trunk"))
        #expect(provider.port == 5060 && provider.registerRealm == "sip.trunk.example" && provider.registerUsername == "acct77")
        #expect(provider.registerExpires == 600 && provider.registerCallID == .new)
        #expect(provider.registerHA1MD5 == DigestCalculator.ha1(username: "acct77", realm: "sip.trunk.example", password: "carrier-given", algorithm: .md5))
        #expect(provider.registerHA1SHA256 == DigestCalculator.ha1(username: "acct77", realm: "sip.trunk.example", password: "carrier-given", algorithm: .sha256))

        let shown = try #require(try ManagementSandbox.json(try sandbox.succeed(["provider", "show", "trunk", "--json"])) as? [String: Any])
        #expect(shown["registerPassword"] as? String == "set")
        #expect(shown["port"] as? Int == 5060)
        #expect(try sandbox.succeed(["provider", "show", "trunk"]).contains("register password:  set (HA1 values only)\n"))

        // The HA1 values depend on the realm: a new realm needs the password again.
        try sandbox.fail(["provider", "set", "trunk", "--register-realm", "other.example"], status: 2,
                         "sipwarden provider set: a new register username or realm needs the registration password again: give --password-stdin or --password-file")
        let file = try sandbox.write("pw", "carrier-given\n")
        try sandbox.succeed(["provider", "set", "trunk", "--register-realm", "other.example", "--password-file", file])
        #expect(try sandbox.database().provider(named: "trunk")?.registerHA1MD5
            == DigestCalculator.ha1(username: "acct77", realm: "other.example", password: "carrier-given", algorithm: .md5))

        try sandbox.succeed(["provider", "add", "tls", "--host", "192.0.2.1", "--transport", "tls", "--identification", "registration",
                             "--register-username", "u", "--password-stdin"], input: "pw\n")
        #expect(try sandbox.database().provider(named: "tls")?.port == 5061, "RFC 3261 §19.1.1: 5061 for TLS")

        try sandbox.succeed(["provider", "set", "tls", "--identification", "ip"])
        let forgotten = try #require(try sandbox.database().provider(named: "tls"))
        #expect(forgotten.registerUsername == nil && forgotten.registerHA1MD5 == nil && forgotten.registerHA1SHA256 == nil)
        try sandbox.expectNoHA1Printed()
    }

    @Test("usage errors", arguments: [
        (["provider", "add", "p"], "sipwarden provider add: give at least one --host"),
        (["provider", "add", "p", "--host", "bad host"], "sipwarden provider add: --host: \"bad host\" is neither an IP address nor a host name"),
        (["provider", "add", "p", "--host", "192.0.2.300"], "sipwarden provider add: --host: \"192.0.2.300\" is not an IPv4 or IPv6 address"),
        (["provider", "add", "p", "--host", "h.example", "--port", "0"], "sipwarden provider add: --port: 0 is out of range; expected 1 to 65535"),
        (["provider", "add", "p", "--host", "h.example", "--transport", "sctp"], "sipwarden provider add: --transport: expected udp, tcp or tls, got \"sctp\""),
        (["provider", "add", "p", "--host", "h.example", "--identification", "registration"],
         "sipwarden provider add: identification by registration needs --register-username"),
        (["provider", "add", "p", "--host", "h.example", "--identification", "registration", "--register-username", "u"],
         "sipwarden provider add: identification by registration needs the registration password: give --password-stdin or --password-file"),
        (["provider", "add", "p", "--host", "h.example", "--register-username", "u"],
         "sipwarden provider add: --register-username, --register-realm and the password apply to --identification registration only"),
        (["provider", "add", "p", "--host", "h.example", "--register-expires", "10"],
         "sipwarden provider add: --register-expires: 10 is out of range; expected 60 to 86400"),
        (["provider", "add", "p", "--host", "h.example", "--tech-prefix", "9;x"], "sipwarden provider add: --tech-prefix: up to 16 digits, +, * or #"),
    ])
    func errors(_ arguments: [String], _ message: String) throws {
        let sandbox = try ManagementSandbox()
        try sandbox.fail(arguments, status: 2, message)
        #expect(try sandbox.database().providers().isEmpty)
    }

    @Test("status: per provider, from what the server recorded")
    func status() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["provider", "add", "byip", "--host", "192.0.2.1"])
        try sandbox.succeed(["provider", "add", "pending", "--host", "a.example", "--identification", "registration", "--register-username", "u",
                             "--password-stdin"], input: "pw\n")
        try sandbox.succeed(["provider", "add", "up", "--host", "b.example", "--identification", "registration", "--register-username", "u",
                             "--password-stdin"], input: "pw\n")
        let database = try sandbox.database()
        let up = try #require(try database.provider(named: "up")?.id)
        let until = Date(timeIntervalSince1970: 1_800_000_000)
        try database.saveProviderRegistrationStatus(ProviderRegistrationStatus(
            providerId: up, state: .registered, lastStatusCode: 200, lastError: "evil\u{1B}[2Jtext", registeredUntil: until, updatedAt: until))
        #expect(try sandbox.succeed(["provider", "status"]) == """
            PROVIDER  ENABLED  STATE            LAST-CODE  REGISTERED-UNTIL      NEXT-ATTEMPT  LAST-ERROR
            byip      yes      not registering  -          -                     -             -
            pending   yes      no status yet    -          -                     -             -
            up        yes      registered       200        2027-01-15T08:00:00Z  -             evil\\u{1B}[2Jtext

            """)
        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["provider", "status", "--json"])) as? [[String: Any]])
        try #require(json.map { $0["state"] as? String } == ["not registering", "no status yet", "registered"])
        #expect(json[2]["lastStatusCode"] as? Int == 200)
        #expect(json[2]["registeredUntil"] as? String == "2027-01-15T08:00:00Z")
        #expect(json[2]["lastError"] as? String == "evil\u{1B}[2Jtext")
    }
}
