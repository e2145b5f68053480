import Foundation
import SIPCore
import Storage
import Testing
@testable import SIPWarden

/// Every change made through the management commands leaves one action log line: who, from
/// where, what, to what, and the object before and after as its `--json` output shows it,
/// without a password, an HA1 value or an API key.
@Suite("Management: every change is in the action log")
struct ActionLogCoverageTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// A session on a database in memory; the console's user by default, so that a line
    /// written with the CLI's defaults would fail the checks.
    struct Fixture {
        let database: AppDatabase
        let session: ManagementSession

        init(actor: String = "console:alice", source: String = "192.0.2.7") throws {
            try self.init { database in
                ManagementSession(database: database, auth: AuthSettings(), now: ActionLogCoverageTests.now, actor: actor, source: source)
            }
        }

        init(_ makeSession: (AppDatabase) -> ManagementSession) throws {
            database = try AppDatabase.inMemory()
            session = makeSession(database)
        }

        /// Every line, oldest first.
        func lines() throws -> [ActionLogEntry] {
            try database.actionLog(from: nil, to: nil, limit: 1_000).reversed()
        }

        /// The one line written by `change`: exactly one, with the fixture's actor and source.
        func line(
            _ action: String, target: String, sourceLocation: SourceLocation = #_sourceLocation, _ change: () throws -> Void
        ) throws -> ActionLogEntry {
            let count = try lines().count
            try change()
            let added = try lines().dropFirst(count)
            try #require(added.count == 1, "one line per change, got \(added.map(\.action))", sourceLocation: sourceLocation)
            let line = try #require(added.first)
            #expect(line.action == action, sourceLocation: sourceLocation)
            #expect(line.target == target, sourceLocation: sourceLocation)
            #expect(line.actor == session.actor, sourceLocation: sourceLocation)
            #expect(line.source == session.source, sourceLocation: sourceLocation)
            #expect(line.at == ActionLogCoverageTests.now, sourceLocation: sourceLocation)
            #expect(!line.hackingAttempt, sourceLocation: sourceLocation)
            return line
        }

        /// Every text of every line: where a secret must not be.
        func everything() throws -> String {
            try lines().map { line in
                let details = line.details.sorted { $0.key < $1.key }.map { key, value in
                    switch value {
                    case .text(let text): return key + "=" + text
                    case .number(let number): return key + "=" + String(number)
                    case .list(let items): return key + "=" + items.joined(separator: ",")
                    }
                }
                return ([line.actor, line.source, line.action, line.target, line.reason] + details).joined(separator: "\n")
            }.joined(separator: "\n").lowercased()
        }
    }

    /// `details[key]` as the JSON object it holds.
    static func object(_ line: ActionLogEntry, _ key: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        guard case .text(let text) = try #require(line.details[key], "no \(key)", sourceLocation: sourceLocation) else {
            Issue.record("\(key) is not text", sourceLocation: sourceLocation)
            return [:]
        }
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    }

    /// `details[key]` as the JSON array of objects it holds.
    static func objects(_ line: ActionLogEntry, _ key: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        guard case .text(let text) = try #require(line.details[key], "no \(key)", sourceLocation: sourceLocation) else {
            Issue.record("\(key) is not text", sourceLocation: sourceLocation)
            return []
        }
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], sourceLocation: sourceLocation)
    }

    @Test("account add, set, block, unblock, remove: the console user and address, the fields before and after")
    func accounts() throws {
        let fixture = try Fixture()
        let commands = AccountCommands(session: fixture.session)
        let added = try fixture.line("account.add", target: "account 1 acme") {
            _ = try commands.add(name: "acme", changes: .init(creditLimit: "10"))
        }
        #expect(added.details["before"] == nil)
        #expect(try Self.object(added, "after")["creditLimitMicros"] as? Int == 10_000_000)

        let set = try fixture.line("account.set", target: "account 1 acme-ltd") {
            _ = try commands.set("acme", changes: .init(name: "acme-ltd", balance: "5"))
        }
        #expect(try Self.object(set, "before")["balanceMicros"] as? Int == 0)
        #expect(try Self.object(set, "after")["balanceMicros"] as? Int == 5_000_000)
        #expect(try Self.object(set, "before")["name"] as? String == "acme")
        #expect(try Self.object(set, "after")["name"] as? String == "acme-ltd")

        let blocked = try fixture.line("account.block", target: "account 1 acme-ltd") {
            _ = try commands.set("acme-ltd", changes: .init(blockReason: "fraud suspected"))
        }
        #expect(blocked.reason == "fraud suspected")
        #expect(try Self.object(blocked, "before")["blocked"] as? Bool == false)
        #expect(try Self.object(blocked, "after")["blocked"] as? Bool == true)

        let unblocked = try fixture.line("account.unblock", target: "account 1 acme-ltd") {
            _ = try commands.unblock("acme-ltd", reason: "password changed")
        }
        #expect(unblocked.reason == "password changed")
        #expect(try Self.object(unblocked, "before")["blockedReason"] as? String == "fraud suspected")
        #expect(try Self.object(unblocked, "after")["blocked"] as? Bool == false)

        let reblocked = try fixture.line("account.block", target: "account 1 acme-ltd") {
            _ = try commands.set("acme-ltd", changes: .init(blockReason: "again"))
        }
        #expect(reblocked.reason == "again")
        let lifted = try fixture.line("account.unblock", target: "account 1 acme-ltd") {
            _ = try commands.set("acme-ltd", changes: .init(unblock: true))
        }
        #expect(lifted.reason == "lifted by an operator")

        let removed = try fixture.line("account.remove", target: "account 1 acme-ltd") { _ = try commands.remove("acme-ltd") }
        #expect(try Self.object(removed, "before")["name"] as? String == "acme-ltd")
        #expect(removed.details["after"] == nil)
    }

    @Test("device add, set, password change, remove: the changed fields, and no password nor HA1 anywhere in the log")
    func devices() throws {
        let fixture = try Fixture()
        let commands = DeviceCommands(session: fixture.session)
        let first = "Secret-pass-0001"
        let second = "Changed-pass-0002"
        let added = try fixture.line("device.add", target: "device alice") {
            _ = try commands.add(username: "alice", password: .value(first), settings: .init(maxCalls: "2"))
        }
        #expect(added.reason == "new account alice")
        let new = try Self.object(added, "after")
        #expect(new["username"] as? String == "alice")
        #expect(new["account"] as? String == "alice")
        #expect(new["id"] as? Int == 1)
        #expect(new["password"] as? String == "set")
        let original = try #require(try fixture.database.device(username: "alice"))
        #expect(original.ha1MD5 == DigestCalculator.ha1(username: "alice", realm: "sipwarden", password: first, algorithm: .md5))

        let set = try fixture.line("device.set", target: "device alice") {
            _ = try commands.set(username: "alice", password: nil, settings: .init(callerID: "Alice", maxCalls: "3"))
        }
        #expect(try Self.object(set, "before")["callerID"] is NSNull)
        #expect(try Self.object(set, "after")["callerID"] as? String == "Alice")
        #expect(try Self.object(set, "before")["maxCalls"] as? Int == 2)
        #expect(try Self.object(set, "after")["maxCalls"] as? Int == 3)
        #expect(try Self.object(set, "after")["password"] as? String == "set")

        let changed = try fixture.line("device.set", target: "device alice") {
            _ = try commands.set(username: "alice", password: .value(second), settings: .init())
        }
        #expect(try Self.object(changed, "before")["password"] as? String == "set")
        #expect(try Self.object(changed, "after")["password"] as? String == "changed")
        let device = try #require(try fixture.database.device(username: "alice"))
        #expect(device.ha1MD5 == DigestCalculator.ha1(username: "alice", realm: "sipwarden", password: second, algorithm: .md5))
        let secrets = [first, second, original.ha1MD5, original.ha1SHA256, device.ha1MD5, device.ha1SHA256]

        let removed = try fixture.line("device.remove", target: "device alice") { _ = try commands.remove(username: "alice") }
        #expect(try Self.object(removed, "before")["callerID"] as? String == "Alice")

        let log = try fixture.everything()
        #expect(log.contains("alice"), "the search below looks at the right text")
        for secret in secrets {
            #expect(!log.contains(secret.lowercased()), "\(secret) is in the action log")
        }
    }

    @Test("device import: one line naming the devices, none of their passwords")
    func deviceImport() throws {
        let fixture = try Fixture()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-import-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("u1;Secret-pass-01\nu2;Secret-pass-02\n".utf8).write(to: file)
        let line = try fixture.line("device.import", target: "devices from \(file.path)") {
            _ = try DeviceImport(session: fixture.session).run(path: file.path, account: nil, maxCalls: "4")
        }
        let after = try Self.object(line, "after")
        #expect(after["devices"] as? Int == 2)
        #expect(after["usernames"] as? [String] == ["u1", "u2"])
        #expect(after["maxCalls"] as? Int == 4)
        let log = try fixture.everything()
        for device in try fixture.database.devices(accountId: nil) {
            #expect(!log.contains(device.ha1MD5) && !log.contains(device.ha1SHA256))
        }
        #expect(!log.contains("secret-pass"))
    }

    @Test("provider add, set with a new registration password, remove: \"changed\", never the password or its HA1")
    func providers() throws {
        let fixture = try Fixture()
        let commands = ProviderCommands(session: fixture.session)
        let added = try fixture.line("provider.add", target: "provider 1 trunk") {
            _ = try commands.add(
                name: "trunk", settings: .init(hosts: ["sip.trunk.example"], identification: "registration", registerUsername: "acct77"),
                password: .value("carrier-given-1"))
        }
        #expect(try Self.object(added, "after")["registerPassword"] as? String == "set")
        let stored = try #require(try fixture.database.provider(named: "trunk"))

        let set = try fixture.line("provider.set", target: "provider 1 trunk") {
            _ = try commands.set("trunk", settings: .init(registerExpires: "600"), password: .value("carrier-given-2"))
        }
        #expect(try Self.object(set, "before")["registerExpires"] as? Int == 3_600)
        #expect(try Self.object(set, "after")["registerExpires"] as? Int == 600)
        #expect(try Self.object(set, "before")["registerPassword"] as? String == "set")
        #expect(try Self.object(set, "after")["registerPassword"] as? String == "changed")
        let changed = try #require(try fixture.database.provider(named: "trunk"))

        let disabled = try fixture.line("provider.set", target: "provider 1 trunk") {
            _ = try commands.set("trunk", settings: .init(enabled: false), password: nil)
        }
        #expect(try Self.object(disabled, "before")["enabled"] as? Bool == true)
        #expect(try Self.object(disabled, "after")["enabled"] as? Bool == false)
        #expect(try Self.object(disabled, "after")["registerPassword"] as? String == "set")

        let removed = try fixture.line("provider.remove", target: "provider 1 trunk") { _ = try commands.remove("trunk") }
        #expect(try Self.object(removed, "before")["registerUsername"] as? String == "acct77")

        let log = try fixture.everything()
        let secrets = ["carrier-given-1", "carrier-given-2"]
            + [stored, changed].flatMap { [$0.registerHA1MD5, $0.registerHA1SHA256].compactMap { $0 } }
        #expect(secrets.count == 6)
        for secret in secrets {
            #expect(!log.contains(secret.lowercased()), "\(secret) is in the action log")
        }
    }

    @Test("DID add and remove, with the CLI's defaults: actor cli, source local")
    func dids() throws {
        // Made as the command line makes it, without an actor or a source.
        let fixture = try Fixture { ManagementSession(database: $0, auth: AuthSettings(), now: Self.now) }
        #expect(fixture.session.actor == "cli" && fixture.session.source == "local")
        _ = try DeviceCommands(session: fixture.session).add(username: "alice", password: .value("Secret-pass-0001"), settings: .init())
        let commands = DIDCommands(session: fixture.session)
        let added = try fixture.line("did.add", target: "DID +4930123") { _ = try commands.add(number: "+4930123", device: "alice") }
        #expect(try Self.object(added, "after")["device"] as? String == "alice")
        #expect(added.actor == "cli" && added.source == "local")
        let removed = try fixture.line("did.remove", target: "DID +4930123") { _ = try commands.remove(number: "+4930123") }
        #expect(try Self.object(removed, "before")["number"] as? String == "+4930123")
        #expect(try Self.object(removed, "before")["device"] as? String == "alice")
    }

    @Test("route add and remove, of one provider and of all")
    func routes() throws {
        let fixture = try Fixture()
        for name in ["carrier", "backup"] {
            _ = try ProviderCommands(session: fixture.session).add(name: name, settings: .init(hosts: ["192.0.2.10"]), password: nil)
        }
        let commands = RouteCommands(session: fixture.session)
        let added = try fixture.line("route.add", target: "route +44 via provider carrier") {
            _ = try commands.add(prefix: "0044", provider: "carrier", priority: "5", strip: nil, add: nil)
        }
        #expect(try Self.object(added, "after")["priority"] as? Int == 5)
        #expect(try Self.object(added, "after")["provider"] as? String == "carrier")
        let removed = try fixture.line("route.remove", target: "route +44 via provider carrier") {
            _ = try commands.remove(prefix: "+44", provider: "carrier")
        }
        #expect(try Self.object(removed, "before")["prefix"] as? String == "+44")

        _ = try commands.add(prefix: "+49", provider: "carrier", priority: nil, strip: nil, add: nil)
        _ = try commands.add(prefix: "+49", provider: "backup", priority: "9", strip: nil, add: nil)
        let all = try fixture.line("route.remove", target: "routes +49") { _ = try commands.remove(prefix: "+49", provider: nil) }
        #expect(try Self.objects(all, "before").compactMap { $0["provider"] as? String }.sorted() == ["backup", "carrier"])
    }

    @Test("rate add and remove")
    func rates() throws {
        let fixture = try Fixture()
        _ = try AccountCommands(session: fixture.session).add(name: "acme", changes: .init())
        let commands = RateCommands(session: fixture.session)
        let added = try fixture.line("rate.add", target: "rate 1 +44 of account 1") {
            _ = try commands.add(prefix: "+44", pricing: .init(price: "0.05", increment: "6"), account: "acme")
        }
        #expect(try Self.object(added, "after")["pricePerMinute"] as? String == "0.05")
        #expect(try Self.object(added, "after")["account"] as? String == "acme")
        let removed = try fixture.line("rate.remove", target: "rate 1 +44 of account 1") { _ = try commands.remove("1") }
        #expect(try Self.object(removed, "before")["incrementSeconds"] as? Int == 6)
        _ = try fixture.line("rate.add", target: "rate 2 +1 default") { _ = try commands.add(prefix: "+1", pricing: .init(price: "0.01"), account: nil) }
    }

    @Test("ban add and remove (exactly and by a contained address), allow add and remove; the actor bans and lifts")
    func bansAndAllowList() throws {
        let fixture = try Fixture()
        let bans = BanCommands(session: fixture.session)
        let banned = try fixture.line("ban.add", target: "network 203.0.113.0/24") {
            _ = try bans.add("203.0.113.0/24", duration: "1h", reason: "probing")
        }
        #expect(banned.reason == "probing")
        #expect(try Self.object(banned, "after")["state"] as? String == "active")
        #expect(try Self.object(banned, "after")["createdBy"] as? String == "console:alice")
        let lifted = try fixture.line("ban.remove", target: "network 203.0.113.0/24") { _ = try bans.remove("203.0.113.0/24") }
        #expect(try Self.objects(lifted, "before").first?["state"] as? String == "active")
        #expect(try Self.objects(lifted, "after").first?["state"] as? String == "lifted")
        #expect(try Self.objects(lifted, "after").first?["liftedBy"] as? String == "console:alice")

        _ = try bans.add("198.18.0.0/16", duration: nil, reason: nil)
        let contained = try fixture.line("ban.remove", target: "network 198.18.0.0/16") { _ = try bans.remove("198.18.4.4") }
        #expect(try Self.objects(contained, "after").first?["network"] as? String == "198.18.0.0/16")

        let allow = AllowCommands(session: fixture.session)
        let allowed = try fixture.line("allow.add", target: "network 198.51.100.0/24") { _ = try allow.add("198.51.100.0/24", note: "office") }
        #expect(try Self.object(allowed, "after")["note"] as? String == "office")
        #expect(try Self.object(allowed, "after")["createdBy"] as? String == "console:alice")
        let removed = try fixture.line("allow.remove", target: "network 198.51.100.0/24") { _ = try allow.remove("198.51.100.0/24") }
        #expect(try Self.object(removed, "before")["network"] as? String == "198.51.100.0/24")
    }

    @Test("API key add and remove: name and role, never the key or its hash")
    func apiKeys() throws {
        let fixture = try Fixture()
        let commands = APIKeyCommands(session: fixture.session)
        var output = ""
        let added = try fixture.line("apikey.add", target: "API key monitoring") { output = try commands.add("monitoring", role: "admin") }
        #expect(added.reason == "role admin")
        #expect(try Self.object(added, "after")["role"] as? String == "admin")
        let key = try #require(output.split(separator: "\n").dropFirst().first.map(String.init))
        let hash = try #require(try fixture.database.apiKeys().first?.keyHash)
        let removed = try fixture.line("apikey.remove", target: "API key monitoring") { _ = try commands.remove("monitoring") }
        #expect(try Self.object(removed, "before")["name"] as? String == "monitoring")
        let log = try fixture.everything()
        #expect(!key.isEmpty && !log.contains(key.lowercased()))
        #expect(!hash.isEmpty && !log.contains(hash.lowercased()))
    }

    @Test("a refused change writes no line: nothing changed, nothing logged")
    func refusalsAreNotLogged() throws {
        let fixture = try Fixture()
        _ = try DeviceCommands(session: fixture.session).add(username: "alice", password: .value("Secret-pass-0001"), settings: .init())
        _ = try DIDCommands(session: fixture.session).add(number: "+4930123", device: "alice")
        let count = try fixture.lines().count
        #expect(count == 2)
        // Refused by the database inside the change's transaction: the line goes with it.
        #expect(throws: ManagementError.self) { try AccountCommands(session: fixture.session).add(name: "alice", changes: .init()) }
        #expect(throws: ManagementError.self) { try AccountCommands(session: fixture.session).remove("alice") }
        #expect(throws: ManagementError.self) { try DIDCommands(session: fixture.session).add(number: "+4930123", device: "alice") }
        #expect(throws: ManagementError.self) { try DIDCommands(session: fixture.session).remove(number: "+4930999") }
        #expect(throws: ManagementError.self) { try RateCommands(session: fixture.session).remove("9") }
        #expect(throws: ManagementError.self) { try APIKeyCommands(session: fixture.session).remove("none") }
        #expect(throws: ManagementError.self) { try AllowCommands(session: fixture.session).remove("192.0.2.0/24") }
        #expect(throws: ManagementError.self) { try BanCommands(session: fixture.session).remove("192.0.2.1") }
        #expect(try fixture.lines().count == count)
    }

    @Test("a password given as a value is read as given")
    func passwordValue() throws {
        #expect(try PasswordSource.value("Secret pass 1").read() == "Secret pass 1")
        #expect(PasswordSource.value("Secret pass 1").description == "a given value", "the password is not in the description")
    }
}
