import Foundation
import Guard
import NIOCore
import SIPTransport
import Storage
import Testing
@testable import SIPWarden

/// What spoofed UDP packets can make the Guard do, over real sockets: ban a carrier (no),
/// ban anyone for good with one packet (no), fill the ban table so that real attackers go
/// unbanned (no).
@Suite("Server: the Guard against spoofed sources")
struct ServerGuardSpoofingTests {
    /// A provider identified by its address.
    static func addProvider(_ host: String, to fixture: RegistrarFixture) throws {
        var provider = Provider(name: "carrier-\(host)", hosts: [host], createdAt: Date())
        provider.port = nil
        _ = try fixture.database.insert(provider)
    }

    @Test("scanner packets and a flood from a provider's address ban nothing and drop nothing; it is logged instead; another source's single packet bans for an hour, not for good")
    func providerNeverBanned() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try Self.addProvider("127.0.0.31", to: fixture)
        let clock = ManualWallClock()
        let log = CapturedLog()
        let meterTime = NIODeadline.now().uptimeNanoseconds
        try await withGuardServer(fixture, clock: clock, logger: log.logger, monotonicNow: { meterTime }) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let spoofed = try await server.udpClient(host: "127.0.0.31")
            for _ in 1...3 {
                try await spoofed.send(GuardTraffic.options(to: target, userAgent: "friendly-scanner").bytes, to: target)
            }
            // A flood "from" the carrier: metered and reported, never dropped.
            for _ in 1...100 {
                try await spoofed.send(GuardTraffic.options(to: target).bytes, to: target)
            }
            let answered = await poll(timeout: Wait.answer) { spoofed.messages.count >= 100 ? true : nil }
            #expect(answered == true, "the carrier's requests were dropped: \(spoofed.messages.count) answered")
            guardSetup.service.tick(now: clock.date)
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.31")))
            #expect(try setup.database.activeBans(at: clock.date).isEmpty)
            #expect(!log.lines("not banned: the address is a configured provider's (guard.ban_providers is off)").isEmpty, "\(log.all)")
            try await GuardTraffic.expectAnswered(spoofed, server: target)

            let other = try await server.udpClient(host: "127.0.0.32")
            try await other.send(GuardTraffic.options(to: target, userAgent: "friendly-scanner").bytes, to: target)
            _ = try await GuardTraffic.answersBefore(other.mark, client: other, server: target)
            guardSetup.service.tick(now: clock.date)
            let ban = try #require(try GuardTraffic.bans(of: "127.0.0.32", in: setup.database, at: clock.date).first)
            #expect(ban.jail == "sip-scanner")
            #expect(ban.expiresAt == clock.date.addingTimeInterval(3_600), "one UDP packet earned a permanent ban")
        }
    }

    @Test("guard.ban_providers: true lets the jails ban a provider's address")
    func providerBanOptIn() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try Self.addProvider("127.0.0.33", to: fixture)
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock, yaml: "guard:\n  ban_providers: true\n") { server, _, guardSetup in
            let target = try server.address(.udp)
            let spoofed = try await server.udpClient(host: "127.0.0.33")
            // A provider is a known source: its thresholds have headroom (3 × 1).
            for _ in 1...3 {
                try await spoofed.send(GuardTraffic.options(to: target, userAgent: "friendly-scanner").bytes, to: target)
            }
            _ = try await GuardTraffic.answersBefore(spoofed.mark, client: spoofed, server: target)
            guardSetup.service.tick(now: clock.date)
            #expect(guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.33")))
        }
    }

    @Test("a full ban table makes room for a guesser's ban by evicting a one-packet ban, and never grows past its bound")
    func boundedBanTable() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        let log = CapturedLog()
        try await withGuardServer(fixture, clock: clock, yaml: "guard:\n  max_active_bans: 100\n", logger: log.logger) { server, setup, guardSetup in
            let target = try server.address(.udp)
            // 110 spoofed scanner packets from as many addresses.
            let scanner = try await server.udpClient(host: "127.0.1.1")
            for index in 1...110 {
                let client = index == 1 ? scanner : try await server.udpClient(host: "127.0.1.\(index)")
                try await client.send(GuardTraffic.options(to: target, userAgent: "friendly-scanner").bytes, to: target)
                await client.close()
            }
            var seen = 0
            for _ in 0..<100 where seen < 110 {
                seen = await server.statistics().scannersSeen
                if seen < 110 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(seen == 110)
            guardSetup.service.tick(now: clock.date)
            #expect(try setup.database.activeBans(at: clock.date).count == 100)
            #expect(guardSetup.filter.banCount == 100)

            // A password guesser: five wrong passwords, a ban that rests on five events.
            let guesser = try await server.udpClient(host: "127.0.2.1")
            for _ in 1...5 { try await GuardTraffic.failRegistration(client: guesser, server: target) }
            guardSetup.service.tick(now: clock.date)
            #expect(guardSetup.filter.isBanned(GuardTraffic.key("127.0.2.1")), "the guesser was not banned: the table was full")
            let active = try setup.database.activeBans(at: clock.date)
            #expect(active.count == 100)
            #expect(active.contains { $0.jail == "sip-auth" })
            let evicted = try setup.database.bans(networks: (1...110).map { "127.0.1.\($0)/32" }).filter { $0.liftedBy == "evicted" }
            #expect(evicted.count == 1)
            #expect(!log.lines("ban table full: the weakest bans made room").isEmpty, "\(log.all)")
        }
    }
}
