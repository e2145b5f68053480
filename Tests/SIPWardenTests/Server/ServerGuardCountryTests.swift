import Foundation
import Guard
import NIOCore
import SIPTestSupport
import Testing
@testable import SIPWarden

/// The Guard's country rules (`guard.countries`) over real sockets, against a
/// GeoLite2-Country-shaped database written for the test (`CountryRulesDatabase`): refused
/// countries are dropped at the door (UDP unanswered and counted, TCP closed at accept),
/// exceptions, trusted and allow-listed sources are admitted whatever their country, and
/// addresses the database does not place follow `guard.countries.unknown`.
@Suite("Server: the Guard's country rules")
struct ServerGuardCountryTests {
    @Test("mode deny, list [CN]: CN sources get no answer and are counted, TCP from them is closed at accept; FR, an excepted CN address and unplaced addresses are answered")
    func denyList() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        let log = CapturedLog()
        try await TemporaryDatabaseFile.withFile(CountryRulesDatabase.bytes()) { path in
            let yaml = CountryRulesDatabase.yaml(database: path, mode: "deny", list: ["CN"], exceptions: ["127.0.0.4/32"])
            try await withGuardServer(fixture, clock: clock, yaml: yaml, logger: log.logger) { server, _, guardSetup in
                let target = try server.address(.udp)
                let filter = guardSetup.filter
                let china = try await server.udpClient(host: CountryRulesDatabase.china)
                let france = try await server.udpClient(host: CountryRulesDatabase.france)
                let excepted = try await server.udpClient(host: CountryRulesDatabase.exceptedChina)
                let registered = try await server.udpClient(host: CountryRulesDatabase.registeredInChina)
                let unplaced = try await server.udpClient(host: CountryRulesDatabase.unplaced)

                try await CountryTraffic.expectDropped(china, server: target, filter: filter)
                // The second packet is refused from the filter's cache: still counted.
                try await CountryTraffic.expectDropped(china, server: target, filter: filter)
                try await GuardTraffic.expectAnswered(france, server: target)
                try await GuardTraffic.expectAnswered(excepted, server: target)
                // No `country` in the record: its `registered_country` decides.
                try await CountryTraffic.expectDropped(registered, server: target, filter: filter)
                // guard.countries.unknown defaults to admit.
                try await GuardTraffic.expectAnswered(unplaced, server: target)
                #expect(filter.statistics.droppedCountry == 3)
                #expect(filter.statistics.droppedBanned == 0)

                try await CountryTraffic.expectConnectionRefused(from: CountryRulesDatabase.china, server: server, filter: filter)
                try await CountryTraffic.expectConnectionServed(from: CountryRulesDatabase.france, server: server)
                try await CountryTraffic.expectConnectionServed(from: CountryRulesDatabase.exceptedChina, server: server)

                // A refused country is not an offense: no ban, and the drops are logged as
                // one count at the five-second housekeeping, not a line per packet.
                guardSetup.service.tick(50, now: clock.date)
                #expect(!filter.isBanned(GuardTraffic.key(CountryRulesDatabase.china)))
                let counted = log.lines("packets dropped by country rules")
                #expect(counted.count == 1, "\(log.all)")
                #expect(counted.first?.contains("count=3") == true, "\(counted)")
                guardSetup.service.tick(50, now: clock.date)
                #expect(log.lines("packets dropped by country rules").count == 1, "nothing new was dropped, yet a count was logged again")
            }
        }
    }

    @Test("mode allow, list [FR]: only FR sources, the exceptions and (unknown: admit) unplaced addresses are answered")
    func allowList() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try await TemporaryDatabaseFile.withFile(CountryRulesDatabase.bytes()) { path in
            let yaml = CountryRulesDatabase.yaml(database: path, mode: "allow", list: ["FR"], exceptions: ["127.0.0.4/32"])
            try await withGuardServer(fixture, yaml: yaml) { server, _, guardSetup in
                let target = try server.address(.udp)
                let filter = guardSetup.filter
                try await GuardTraffic.expectAnswered(try await server.udpClient(host: CountryRulesDatabase.france), server: target)
                try await GuardTraffic.expectAnswered(try await server.udpClient(host: CountryRulesDatabase.exceptedChina), server: target)
                try await CountryTraffic.expectDropped(try await server.udpClient(host: CountryRulesDatabase.china), server: target, filter: filter)
                try await CountryTraffic.expectDropped(
                    try await server.udpClient(host: CountryRulesDatabase.registeredInChina), server: target, filter: filter)
                // docs/guard.md: `unknown` (admit by default) decides for unplaced addresses
                // in either mode.
                try await GuardTraffic.expectAnswered(try await server.udpClient(host: CountryRulesDatabase.unplaced), server: target)
                // 127.0.0.1 is trusted by default, and trusted sources bypass country rules.
                try await GuardTraffic.expectAnswered(try await server.udpClient(host: "127.0.0.1"), server: target)
                #expect(filter.statistics.droppedCountry == 2)

                try await CountryTraffic.expectConnectionRefused(from: CountryRulesDatabase.china, server: server, filter: filter)
                try await CountryTraffic.expectConnectionServed(from: CountryRulesDatabase.france, server: server)
            }
        }
    }

    @Test("unknown: refuse: an address the database does not place is dropped (UDP and TCP) unless it is an exception; placed sources are unaffected")
    func unknownRefused() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try await TemporaryDatabaseFile.withFile(CountryRulesDatabase.bytes()) { path in
            let yaml = CountryRulesDatabase.yaml(
                database: path, mode: "deny", list: ["CN"], exceptions: ["\(CountryRulesDatabase.unplacedExcepted)/32"], unknown: "refuse")
            try await withGuardServer(fixture, yaml: yaml) { server, _, guardSetup in
                let target = try server.address(.udp)
                let filter = guardSetup.filter
                try await CountryTraffic.expectDropped(try await server.udpClient(host: CountryRulesDatabase.unplaced), server: target, filter: filter)
                try await GuardTraffic.expectAnswered(try await server.udpClient(host: CountryRulesDatabase.unplacedExcepted), server: target)
                try await GuardTraffic.expectAnswered(try await server.udpClient(host: CountryRulesDatabase.france), server: target)
                try await CountryTraffic.expectDropped(try await server.udpClient(host: CountryRulesDatabase.china), server: target, filter: filter)
                try await CountryTraffic.expectConnectionRefused(from: CountryRulesDatabase.unplaced, server: server, filter: filter)
                // A source seen first over TCP (not yet in the filter's cache) is looked up at
                // accept; a refused connection is not a dropped packet.
                let drops = filter.statistics.droppedCountry
                try await CountryTraffic.expectConnectionRefused(from: CountryRulesDatabase.unplacedUnseen, server: server, filter: filter)
                #expect(filter.statistics.droppedCountry == drops)
                try await CountryTraffic.expectConnectionServed(from: CountryRulesDatabase.unplacedExcepted, server: server)
            }
        }
    }

    @Test("a source added to the allow-list (as `sipwarden allow add` does) is admitted whatever its country, within a second")
    func allowListBypassesCountries() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        try await TemporaryDatabaseFile.withFile(CountryRulesDatabase.bytes()) { path in
            let yaml = CountryRulesDatabase.yaml(database: path, mode: "deny", list: ["CN"])
            try await withGuardServer(fixture, clock: clock, yaml: yaml) { server, _, guardSetup in
                let target = try server.address(.udp)
                let china = try await server.udpClient(host: CountryRulesDatabase.china)
                try await CountryTraffic.expectDropped(china, server: target, filter: guardSetup.filter)
                guardSetup.service.tick(10, now: clock.date)
                let commands = AllowCommands(session: ManagementSession(database: fixture.database, auth: AuthSettings(), now: clock.date))
                #expect(try commands.add(CountryRulesDatabase.china, note: nil) == "allowed \(CountryRulesDatabase.china)/32\n")
                guardSetup.service.tick(10, now: clock.date)
                try await GuardTraffic.expectAnswered(china, server: target)
                try await CountryTraffic.expectConnectionServed(from: CountryRulesDatabase.china, server: server)
            }
        }
    }
}

/// The test's country database: GeoLite2-Country's layout (IPv6 tree, 24-bit records, IPv4
/// under ::/96) with a few loopback addresses placed; the rest of 127.0.0.0/8 is unplaced.
enum CountryRulesDatabase {
    static let china = "127.0.0.2"
    static let france = "127.0.0.3"
    /// In China too; the tests list it as an exception.
    static let exceptedChina = "127.0.0.4"
    static let unplaced = "127.0.0.5"
    /// Only a `registered_country` (CN), as GeoLite2 has for some networks.
    static let registeredInChina = "127.0.0.6"
    static let unplacedExcepted = "127.0.0.7"
    /// Unplaced, and used only for a TCP connection.
    static let unplacedUnseen = "127.0.0.8"

    static func bytes(databaseType: String = "GeoLite2-Country") -> [UInt8] {
        MMDBFixtureWriter.database(
            ipVersion: 6, recordSize: 24,
            networks: [
                ("\(china)/32", GeoLiteRecord.located("CN", "China")),
                ("\(france)/32", GeoLiteRecord.located("FR", "France")),
                ("\(exceptedChina)/32", GeoLiteRecord.located("CN", "China")),
                ("\(registeredInChina)/32", GeoLiteRecord.registeredOnly("CN", "China")),
                // Elsewhere, so the tree has more than the addresses above.
                ("198.51.100.0/24", GeoLiteRecord.located("DE", "Germany")),
                ("2001:db8::/32", GeoLiteRecord.located("NL", "Netherlands")),
            ],
            databaseType: databaseType)
    }

    /// A configuration file with `guard.countries` set; nil values are left out.
    static func yaml(database: String?, mode: String? = nil, list: [String]? = nil, exceptions: [String]? = nil, unknown: String? = nil) -> String {
        var lines = ["guard:", "  countries:"]
        if let database { lines.append("    database: \"\(database)\"") }
        if let mode { lines.append("    mode: \(mode)") }
        if let list { lines.append("    list: [\(list.joined(separator: ", "))]") }
        if let exceptions { lines.append("    exceptions: [\(exceptions.map { "\"\($0)\"" }.joined(separator: ", "))]") }
        if let unknown { lines.append("    unknown: \(unknown)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// What the country tests send, and how they tell a country drop from an answer.
enum CountryTraffic {
    /// Sends an OPTIONS from `client` and expects the ingress filter to drop it for its
    /// country: `droppedCountry` moves on, and nothing arrives.
    static func expectDropped(
        _ client: UDPTestClient, server: SocketAddress, filter: IngressFilter, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = filter.statistics.droppedCountry
        let mark = client.mark
        try await client.send(GuardTraffic.options(to: server).bytes, to: server)
        let dropped = await poll(timeout: Wait.answer) { filter.statistics.droppedCountry > before ? true : nil }
        #expect(dropped == true, "\(client.ip) was not dropped by the country rules", sourceLocation: sourceLocation)
        // The drop happens at the door: once it is counted, no answer can follow.
        let answers = client.arrivals(since: mark).map { TestMessage.parse(datagram: $0.bytes)?.startLine ?? "(\($0.bytes.count) bytes)" }
        #expect(answers.isEmpty, "\(client.ip) was answered although its country is refused", sourceLocation: sourceLocation)
    }

    /// Expects a TCP connection from `host` to be closed at once, unanswered, and counted as
    /// refused.
    static func expectConnectionRefused(
        from host: String, server: TestServer, filter: IngressFilter, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = filter.statistics.connectionsRefused
        let stream = try await server.streamClient(.tcp, from: host)
        #expect(await stream.waitForClose(), "the TCP connection from \(host) stayed open", sourceLocation: sourceLocation)
        #expect(stream.messages.isEmpty, sourceLocation: sourceLocation)
        #expect(filter.statistics.connectionsRefused == before + 1, sourceLocation: sourceLocation)
    }

    /// Expects an OPTIONS over a TCP connection from `host` to be answered 200.
    static func expectConnectionServed(from host: String, server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let target = try server.address(.tcp)
        let stream = try await server.streamClient(.tcp, from: host)
        let answer = try await stream.exchange(TestRequest(method: "OPTIONS", host: target.ipAddress!, transport: .tcp))
        #expect(answer?.statusCode == 200, "the TCP connection from \(host) was not served", sourceLocation: sourceLocation)
        #expect(!stream.isClosed, sourceLocation: sourceLocation)
    }
}
