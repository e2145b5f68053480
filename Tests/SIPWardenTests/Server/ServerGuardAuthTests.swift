import Foundation
import Guard
import NIOCore
import SIPTransport
import Storage
import Testing
@testable import SIPWarden

/// The Guard against password guessing, over real sockets: the sip-auth jail, headroom for
/// known sources, observe mode, trusted and allow-listed sources, device locks. Each test's
/// sources are its own loopback addresses (127.0.0.1 is trusted by default).
@Suite("Server: the Guard against password guessing")
struct ServerGuardAuthTests {
    @Test("5 wrong passwords ban the source: UDP dropped, TCP closed at once, others still served; the ban is stored with its evidence")
    func sipAuthBan() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        let start = clock.date
        try await withGuardServer(fixture, clock: clock) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let attacker = try await server.udpClient(host: "127.0.0.2")
            let bystander = try await server.udpClient(host: "127.0.0.3")
            // A TCP connection opened before the ban, and answered.
            let established = try await server.streamClient(.tcp, from: "127.0.0.2")
            #expect(try await established.exchange(TestRequest(method: "OPTIONS", host: target.ipAddress!, transport: .tcp))?.statusCode == 200)
            for attempt in 1...5 {
                try await GuardTraffic.failRegistration(client: attacker, server: target)
                guardSetup.service.tick(now: clock.date)
                #expect(guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.2")) == (attempt == 5), "after \(attempt) failures")
            }
            try await GuardTraffic.expectDropped(attacker, server: target, filter: guardSetup.filter)
            // Its open connection is closed at its next message, unanswered.
            try await established.send(TestRequest(method: "OPTIONS", host: target.ipAddress!, transport: .tcp).bytes)
            #expect(await established.waitForClose(), "the banned source's open TCP connection stayed open")
            #expect(established.messages.count == 1, "the banned source was answered on its open connection")
            let before = guardSetup.filter.statistics.connectionsRefused
            let stream = try await server.streamClient(.tcp, from: "127.0.0.2")
            #expect(await stream.waitForClose(), "the banned source's TCP connection stayed open")
            #expect(stream.messages.isEmpty)
            #expect(guardSetup.filter.statistics.connectionsRefused == before + 1)
            try await GuardTraffic.expectAnswered(bystander, server: target)

            let bans = try setup.database.activeBans(at: clock.date)
            try #require(bans.count == 1)
            let ban = bans[0]
            #expect(ban.network == "127.0.0.2/32")
            #expect(ban.jail == "sip-auth")
            #expect(ban.createdBy == "guard")
            #expect(ban.offense == 1)
            #expect(ban.startedAt == start)
            #expect(ban.expiresAt == start.addingTimeInterval(600))
            #expect(ban.evidence.count == 5)
            #expect(ban.evidence.allSatisfy { $0.kind == "auth_failure" && $0.weight == 1 && $0.username == "1001" && $0.method == "REGISTER" })
            #expect(ban.evidence.allSatisfy { $0.source == "udp:127.0.0.2:\(attacker.port)" })
            #expect(ban.reason.hasPrefix("5 of 5 within 10m (auth_failure ×5)"), "\(ban.reason)")
        }
    }

    @Test("a phone that mistypes its password twice and then gets it right is not banned")
    func typoThenSuccess() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let phone = try await server.udpClient(host: "127.0.0.22")
            for _ in 1...2 {
                try await GuardTraffic.failRegistration(client: phone, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            #expect(try await GuardTraffic.register(client: phone, server: target).statusCode == 200)
            guardSetup.service.tick(10, now: clock.date)
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.22")))
            #expect(try setup.database.activeBans(at: clock.date).isEmpty)
            try await GuardTraffic.expectAnswered(phone, server: target)
        }
    }

    @Test("a source that registered gets headroom: with guard.headroom.factor 3 it takes 15 failures, not 5")
    func headroom() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        let yaml = """
            guard:
              headroom:
                factor: 3
            """
        try await withGuardServer(fixture, clock: clock, yaml: yaml) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let phone = try await server.udpClient(host: "127.0.0.23")
            #expect(try await GuardTraffic.register(client: phone, server: target).statusCode == 200)
            // Five seconds: the registration is among the known sources too.
            guardSetup.service.tick(50, now: clock.date)
            for attempt in 1...15 {
                try await GuardTraffic.failRegistration(client: phone, server: target)
                guardSetup.service.tick(now: clock.date)
                #expect(guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.23")) == (attempt == 15), "after \(attempt) failures")
            }
            let ban = try #require(try GuardTraffic.bans(of: "127.0.0.23", in: setup.database, at: clock.date).first)
            #expect(ban.jail == "sip-auth")
            #expect(ban.reason.contains("3x"), "\(ban.reason)")
            try await GuardTraffic.expectDropped(phone, server: target, filter: guardSetup.filter)
        }
    }

    @Test("sip-auth in observe mode: 10 failures ban nothing, the source is still answered, and two would-be bans are counted")
    func observeMode() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        let log = CapturedLog()
        let yaml = """
            guard:
              jails:
                sip_auth:
                  mode: observe
            """
        try await withGuardServer(fixture, clock: clock, yaml: yaml, logger: log.logger) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let guesser = try await server.udpClient(host: "127.0.0.25")
            for _ in 1...10 {
                try await GuardTraffic.failRegistration(client: guesser, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.25")))
            #expect(try setup.database.activeBans(at: clock.date).isEmpty)
            try await GuardTraffic.expectAnswered(guesser, server: target)
            guardSetup.service.tick(50, now: clock.date)
            let status = try #require(try setup.database.guardStatus())
            let jail = try #require(status.jails.first { $0.name == "sip-auth" })
            #expect(jail.mode == "observe")
            #expect(jail.wouldBan == 2)
            #expect(jail.bansIssued == 0)
            #expect(jail.eventsCounted == 10)
            let wouldBan = log.lines("would ban (observe mode)")
            #expect(wouldBan.count == 2, "\(log.all)")
            #expect(wouldBan.allSatisfy { $0.contains("network=127.0.0.25/32") && $0.contains("jail=sip-auth") })
        }
    }

    @Test("127.0.0.1 is trusted by default: 20 wrong passwords, always answered, never banned")
    func trustedLoopback() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let local = try await server.udpClient()
            for _ in 1...20 {
                try await GuardTraffic.failRegistration(client: local, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.1")))
            #expect(try setup.database.activeBans(at: clock.date).isEmpty)
            try await GuardTraffic.expectAnswered(local, server: target)
        }
    }

    @Test("a network added to the allow-list (as `sipwarden allow add` does) is picked up within a second and never banned")
    func allowList() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock) { server, setup, guardSetup in
            let target = try server.address(.udp)
            // A first housekeeping, so that what follows is noticed as a change (the
            // database's data_version), not read as part of the first one.
            guardSetup.service.tick(10, now: clock.date)
            // Written by another connection, as the CLI (another process) writes it.
            try fixture.database.addAllowedNetwork(AllowedNetwork(network: "127.0.0.5/32", note: "office", createdAt: clock.date, createdBy: "cli"))
            guardSetup.service.tick(10, now: clock.date)
            let office = try await server.udpClient(host: "127.0.0.5")
            for _ in 1...12 {
                try await GuardTraffic.failRegistration(client: office, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.5")))
            #expect(try setup.database.activeBans(at: clock.date).isEmpty)
            try await GuardTraffic.expectAnswered(office, server: target)
        }
    }

    @Test("device lock: 10 wrong passwords for one device from 3 sources lock it against new sources; where it registered from before still works")
    func deviceLock() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        let yaml = """
            guard:
              jails:
                sip_auth:
                  threshold: 100
            """
        try await withGuardServer(fixture, clock: clock, yaml: yaml) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let home = try await server.udpClient(host: "127.0.0.12")
            #expect(try await GuardTraffic.register(client: home, server: target).statusCode == 200)
            guardSetup.service.tick(now: clock.date)
            let attackers = [
                try await server.udpClient(host: "127.0.0.13"), try await server.udpClient(host: "127.0.0.14"),
                try await server.udpClient(host: "127.0.0.15"),
            ]
            for (index, attacker) in [0, 1, 2, 0, 1, 2, 0, 1, 2, 0].map({ attackers[$0] }).enumerated() {
                #expect(setup.callers.deviceLocks.lockedDevices.isEmpty, "locked after \(index) failures")
                try await GuardTraffic.failRegistration(client: attacker, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            #expect(setup.callers.deviceLocks.lockedDevices == ["1001"])
            #expect(try setup.database.activeBans(at: clock.date).isEmpty, "a source was banned: the lock was not what stopped the attack")

            let newcomer = try await server.udpClient(host: "127.0.0.16")
            let refused = try await GuardTraffic.register(client: newcomer, server: target)
            #expect(refused.statusCode == 401, "the right password from a new source during the lock")
            #expect(try await GuardTraffic.register(client: home, server: target).statusCode == 200, "the device's own source during the lock")

            // The lock ends after guard.device_lock.duration (15 minutes by default).
            clock.advance(seconds: 901)
            guardSetup.service.tick(10, now: clock.date)
            #expect(setup.callers.deviceLocks.lockedDevices.isEmpty)
            #expect(try await GuardTraffic.register(client: newcomer, server: target).statusCode == 200, "the new source after the lock")
        }
    }
}
