import Foundation
import SIPTestSupport
import Storage
import Testing

/// `sipwarden did ...` and `sipwarden registration list`, run as the real binary.
@Suite("sipwarden did and registration")
struct DIDAndRegistrationCommandTests {
    @Test("DIDs: add, list, remove; numbers checked")
    func dids() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["device", "add", "alice", "--generate"])
        #expect(try sandbox.succeed(["did", "add", "+15551230001", "--device", "alice"]) == "added DID +15551230001 to device alice\n")
        try sandbox.succeed(["did", "add", "4930123456", "--device", "alice"])
        #expect(try sandbox.succeed(["did", "list"]) == """
            NUMBER        DEVICE
            +15551230001  alice
            4930123456    alice

            """)
        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["did", "list", "--json"])) as? [[String: String]])
        #expect(json == [["number": "+15551230001", "device": "alice"], ["number": "4930123456", "device": "alice"]])
        try sandbox.fail(["did", "add", "+15551230001", "--device", "alice"], status: 1, "sipwarden did add: DID +15551230001 already exists")
        try sandbox.fail(["did", "add", "555-1234", "--device", "alice"], status: 2,
                         "sipwarden did add: \"555-1234\" is not a number; expected digits with an optional leading +, at most 32 characters")
        try sandbox.fail(["did", "add", "+", "--device", "alice"], status: 2,
                         "sipwarden did add: \"+\" is not a number; expected digits with an optional leading +, at most 32 characters")
        try sandbox.fail(["did", "add", String(repeating: "1", count: 33), "--device", "alice"], status: 2,
                         "sipwarden did add: \"\(String(repeating: "1", count: 33))\" is not a number; expected digits with an optional leading +, at most 32 characters")
        try sandbox.fail(["did", "add", "123", "--device", "nobody"], status: 1, "sipwarden did add: device nobody not found")
        #expect(try sandbox.succeed(["did", "remove", "4930123456"]) == "removed DID 4930123456\n")
        try sandbox.fail(["did", "remove", "4930123456"], status: 1, "sipwarden did remove: DID 4930123456 not found")
    }

    @Test("registration list: source, expiry, escaped user agent; JSON keeps the text as sent")
    func registrations() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["device", "add", "bob", "--generate"])
        try sandbox.succeed(["device", "add", "alice", "--generate"])
        let database = try sandbox.database()
        let alice = try #require(try database.device(username: "alice")?.id)
        let bob = try #require(try database.device(username: "bob")?.id)
        let expiry = Date(timeIntervalSinceNow: 3_600).timeIntervalSince1970.rounded(.down)
        let expiresAt = Date(timeIntervalSince1970: expiry)
        try database.applyRegistrationChanges(upserts: [
            Registration(deviceId: bob, contact: "sip:bob@[2001:db8::7]:5060", expiresAt: expiresAt, callID: "b", cseq: 1,
                         sourceIP: "2001:db8::7", sourcePort: 5060, transport: "tcp", updatedAt: Date()),
            Registration(deviceId: alice, contact: "sip:alice@10.0.0.2:5060", q: 0.5, expiresAt: expiresAt, callID: "a", cseq: 1,
                         sourceIP: "198.51.100.7", sourcePort: 40_000, transport: "udp", userAgent: "Evil\u{1B}[31m\nPhone", updatedAt: Date()),
        ], removals: [])

        let text = try sandbox.succeed(["registration", "list"])
        let lines = text.split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(lines[0].hasPrefix("USERNAME  CONTACT"))
        #expect(lines[1].hasPrefix("alice     sip:alice@10.0.0.2:5060     udp:198.51.100.7:40000  \(expiresAt.formatted(.iso8601)) ("), "\(lines[1])")
        #expect(lines[1].hasSuffix(" s)  Evil\\u{1B}[31m\\u{A}Phone"), "\(lines[1])")
        #expect(lines[2].contains("tcp:[2001:db8::7]:5060"))
        #expect(!text.utf8.contains(0x1B))

        let json = try #require(try ManagementSandbox.json(try sandbox.succeed(["registration", "list", "--json"])) as? [[String: Any]])
        try #require(json.map { $0["username"] as? String } == ["alice", "bob"])
        #expect(json[0]["userAgent"] as? String == "Evil\u{1B}[31m\nPhone")
        #expect(json[0]["q"] as? Double == 0.5)
        #expect(json[0]["sourcePort"] as? Int == 40_000)
        #expect(json[0]["expiresAt"] as? String == expiresAt.formatted(.iso8601))
        let left = try #require(json[0]["expiresIn"] as? Int)
        #expect((3_500...3_600).contains(left))
        #expect(json[1]["userAgent"] is NSNull)
    }

    @Test("--help explains each command; the root lists them")
    func help() throws {
        let binary = try ProcessRunner.product("sipwarden")
        let root = try ProcessRunner.run(binary, ["--help"])
        for noun in ["account", "device", "provider", "did", "registration"] {
            #expect(root.standardOutput.contains(noun))
            let help = try ProcessRunner.run(binary, [noun, "--help"])
            #expect(help.status == 0)
        }
        let add = try ProcessRunner.run(binary, ["device", "add", "--help"])
        for option in ["--password-stdin", "--password-file", "--generate", "--account", "--allowed-network", "--data-dir", "--config"] {
            #expect(add.standardOutput.contains(option), "\(option)")
        }
    }
}
