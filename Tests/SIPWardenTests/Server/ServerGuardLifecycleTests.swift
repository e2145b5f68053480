import Foundation
import Guard
import NIOCore
import SIPTransport
import Storage
import Testing
@testable import SIPWarden

/// The life of a ban over real sockets: across a restart, to its expiry, added and lifted by
/// the CLI, answered 403 when configured; what the security log and the fail2ban file say;
/// and how the `guard` section is read.
@Suite("Server: the Guard's bans over time, its log and its settings")
struct ServerGuardLifecycleTests {
    @Test("bans survive a restart; a ban that expired meanwhile is not applied and is marked lifted by expiry at the first housekeeping")
    func restart() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock) { server, _, guardSetup in
            let target = try server.address(.udp)
            let attacker = try await server.udpClient(host: "127.0.0.9")
            for _ in 1...5 {
                try await GuardTraffic.failRegistration(client: attacker, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            #expect(guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.9")))
        }
        // Meanwhile, a ban whose time is up (as the server left it when stopped before its
        // expiry was swept).
        let expired = try #require(try fixture.database.insert([Ban(
            network: "127.0.0.10/32", jail: "sip-auth", reason: "5 of 5", startedAt: clock.date.addingTimeInterval(-600),
            expiresAt: clock.date.addingTimeInterval(-1), createdBy: "guard")]).first)
        clock.advance(seconds: 60)
        try await withGuardServer(fixture, clock: clock) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let attacker = try await server.udpClient(host: "127.0.0.9")
            let released = try await server.udpClient(host: "127.0.0.10")
            try await GuardTraffic.expectDropped(attacker, server: target, filter: guardSetup.filter)
            try await GuardTraffic.expectAnswered(released, server: target)
            guardSetup.service.tick(10, now: clock.date)
            let lifted = try #require(try setup.database.bans(network: "127.0.0.10/32").first { $0.id == expired.id })
            #expect(lifted.liftedBy == "expiry")
            #expect(lifted.liftedAt == clock.date)
            #expect(try setup.database.activeBans(at: clock.date).map(\.network) == ["127.0.0.9/32"])
            try await GuardTraffic.expectDropped(attacker, server: target, filter: guardSetup.filter)
            // Its earlier ban was read back: banned again, it is a second offense (twice as long).
            for _ in 1...5 {
                try await GuardTraffic.failRegistration(client: released, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            let again = try #require(try GuardTraffic.bans(of: "127.0.0.10", in: setup.database, at: clock.date).first)
            #expect(again.offense == 2)
            #expect(again.expiresAt == clock.date.addingTimeInterval(1_200))
        }
    }

    @Test("a ban ends on time: with guard.jails.sip_auth.ban 1s, the source is answered again at the housekeeping after it expires")
    func expiry() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        let log = CapturedLog()
        let yaml = """
            guard:
              jails:
                sip_auth:
                  ban: 1s
            """
        try await withGuardServer(fixture, clock: clock, yaml: yaml, logger: log.logger) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let attacker = try await server.udpClient(host: "127.0.0.19")
            for _ in 1...5 {
                try await GuardTraffic.failRegistration(client: attacker, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            let ban = try #require(try GuardTraffic.bans(of: "127.0.0.19", in: setup.database, at: clock.date).first)
            #expect(ban.expiresAt == ban.startedAt.addingTimeInterval(1))
            try await GuardTraffic.expectDropped(attacker, server: target, filter: guardSetup.filter)
            // Still within the second: a housekeeping changes nothing.
            guardSetup.service.tick(10, now: clock.date)
            try await GuardTraffic.expectDropped(attacker, server: target, filter: guardSetup.filter)
            clock.advance(seconds: 2)
            guardSetup.service.tick(10, now: clock.date)
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.19")))
            try await GuardTraffic.expectAnswered(attacker, server: target)
            let lifted = try #require(try setup.database.bans(network: "127.0.0.19/32").first)
            #expect(lifted.liftedBy == "expiry")
            #expect(log.lines("unban").count == 1)
            #expect(log.lines("unban").first.map { $0.contains("by=expiry") && $0.contains("network=127.0.0.19/32") && $0.contains("jail=sip-auth") } == true)

            // Counted afresh, and banned again for twice as long (escalation 2).
            for _ in 1...5 {
                try await GuardTraffic.failRegistration(client: attacker, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            let second = try #require(try GuardTraffic.bans(of: "127.0.0.19", in: setup.database, at: clock.date).first)
            #expect(second.offense == 2)
            #expect(second.expiresAt == clock.date.addingTimeInterval(2))
            try await GuardTraffic.expectDropped(attacker, server: target, filter: guardSetup.filter)
        }
    }

    @Test("`sipwarden ban add` reaches the running server within a second, and `ban remove` lifts it")
    func cliBan() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        let log = CapturedLog()
        try await withGuardServer(fixture, clock: clock, logger: log.logger) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let source = try await server.udpClient(host: "127.0.0.11")
            try await GuardTraffic.expectAnswered(source, server: target)
            // A first housekeeping, so that the ban is noticed as a change (the database's
            // data_version), not read as part of the first one.
            guardSetup.service.tick(10, now: clock.date)
            // The CLI's own logic, on its own connection to the database (another process).
            let commands = BanCommands(session: ManagementSession(database: fixture.database, auth: AuthSettings(), now: clock.date))
            #expect(try commands.add("127.0.0.11", duration: "1h", reason: "probing us") == "banned 127.0.0.11/32 for 1h, until \(clock.date.addingTimeInterval(3_600).iso8601) (offense 1)\n")
            guardSetup.service.tick(10, now: clock.date)
            try await GuardTraffic.expectDropped(source, server: target, filter: guardSetup.filter)
            let banLine = try #require(log.lines("ban").first)
            #expect(banLine.contains("by=cli") && banLine.contains("jail=manual") && banLine.contains("network=127.0.0.11/32"), "\(banLine)")

            #expect(try commands.remove("127.0.0.11") == "lifted the manual ban of 127.0.0.11/32 (offense 1)\n")
            guardSetup.service.tick(10, now: clock.date)
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.11")))
            try await GuardTraffic.expectAnswered(source, server: target)
            let unbanLine = try #require(log.lines("unban").first)
            #expect(unbanLine.contains("by=cli") && unbanLine.contains("network=127.0.0.11/32"), "\(unbanLine)")
            #expect(try setup.database.activeBans(at: clock.date).isEmpty)
        }
    }

    @Test("guard.ban_response 403: a banned source gets 403 to its first request, then nothing for the rest of that second")
    func forbiddenResponse() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        _ = try fixture.database.insert([Ban(
            network: "127.0.0.20/32", jail: "manual", reason: "banned by an operator", startedAt: clock.date, expiresAt: nil, createdBy: "cli")])
        try await withGuardServer(fixture, clock: clock, yaml: "guard:\n  ban_response: \"403\"\n") { server, _, guardSetup in
            let target = try server.address(.udp)
            let banned = try await server.udpClient(host: "127.0.0.20")
            let requests = (1...3).map { _ in GuardTraffic.options(to: target) }
            // Back to back: all three reach the door well within one second.
            for request in requests {
                try await banned.send(request.bytes, to: target)
            }
            let answer = await banned.response(callID: requests[0].callID)
            #expect(answer?.statusCode == 403)
            let counted = await poll(timeout: Wait.answer) { () -> Bool? in
                let statistics = guardSetup.filter.statistics
                return statistics.refusedBanned + statistics.droppedBanned >= 3 ? true : nil
            }
            #expect(counted == true)
            #expect(guardSetup.filter.statistics.refusedBanned == 1)
            #expect(guardSetup.filter.statistics.droppedBanned == 2)
            #expect(banned.messages.map(\.statusCode) == [403], "\(banned.messages.map(\.startLine))")
            let statistics = await server.statistics()
            #expect(statistics.refusedBanned == 1)
            #expect(statistics.requests == 0, "a banned source's request reached the engine's request path")
        }
    }

    @Test("the security log: a ban is one line with jail, network and until; the fail2ban file gets Asterisk failure lines and fail2ban's Ban and Unban lines")
    func securityLog() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let fail2ban = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-fail2ban-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: fail2ban) }
        let clock = ManualWallClock()
        let log = CapturedLog()
        try await withGuardServer(fixture, clock: clock, yaml: "guard:\n  fail2ban_log: \(fail2ban)\n", logger: log.logger) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let attacker = try await server.udpClient(host: "127.0.0.21")
            for _ in 1...5 {
                try await GuardTraffic.failRegistration(client: attacker, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            let ban = try #require(try GuardTraffic.bans(of: "127.0.0.21", in: setup.database, at: clock.date).first)
            let bans = log.lines("ban")
            #expect(bans.count == 1, "\(log.all)")
            let line = try #require(bans.first)
            #expect(line.contains(" NOTICE sipwarden.guard: ban "), "\(line)")
            #expect(line.contains("jail=sip-auth"))
            #expect(line.contains("network=127.0.0.21/32"))
            #expect(line.contains("until=\(SecurityLog.iso(try #require(ban.expiresAt)))"), "\(line)")
            #expect(line.contains("events=5"))
            #expect(line.contains("by=guard"))

            let text = try String(contentsOfFile: fail2ban, encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            let failures = lines.filter { $0.contains("chan_sip.c: Registration from '") }
            #expect(failures.count == 5, "\(text)")
            #expect(failures.allSatisfy { $0.hasSuffix("failed for '127.0.0.21:\(attacker.port)' - Wrong password") && $0.contains("NOTICE[") }, "\(text)")
            let banLines = lines.filter { $0.contains(" fail2ban.actions ") }
            #expect(banLines.count == 1, "\(text)")
            #expect(banLines.first?.hasSuffix("NOTICE [sip-auth] Ban 127.0.0.21") == true, "\(text)")

            // The ban ends after 10 minutes: unbanned in the log and in the file.
            clock.advance(seconds: 601)
            guardSetup.service.tick(10, now: clock.date)
            let unbans = log.lines("unban")
            #expect(unbans.count == 1, "\(log.all)")
            #expect(unbans.first.map { $0.contains("network=127.0.0.21/32") && $0.contains("jail=sip-auth") && $0.contains("by=expiry") } == true)
            let after = try String(contentsOfFile: fail2ban, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(after.last?.contains(" fail2ban.actions ") == true && after.last?.hasSuffix("NOTICE [sip-auth] Unban 127.0.0.21") == true, "\(after)")
        }
    }

    @Test("country rules without guard.countries.database are refused, naming the key")
    func countriesNeedDatabase() async throws {
        let problems = try await GuardConfigurationFile.problems("guard:\n  countries:\n    list: [FR, CN]\n")
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.key == "guard.countries.list")
        #expect(problems.first?.message.contains("guard.countries.database") == true, "\(problems)")
    }

    @Test("an unknown jail, or an unknown key in a jail, is refused, naming the key")
    func unknownJailKeys() async throws {
        let unknownJail = try await GuardConfigurationFile.problems("guard:\n  jails:\n    sip_bogus:\n      threshold: 3\n")
        #expect(!unknownJail.isEmpty && unknownJail.allSatisfy { $0.key.hasPrefix("guard.jails.sip_bogus") }, "\(unknownJail)")
        #expect(unknownJail.contains { $0.message.hasPrefix("unknown key") }, "\(unknownJail)")
        let unknownKey = try await GuardConfigurationFile.problems("guard:\n  jails:\n    sip_auth:\n      treshold: 3\n")
        #expect(unknownKey.map(\.key) == ["guard.jails.sip_auth.treshold"], "\(unknownKey)")
        #expect(unknownKey.first?.message.contains("unknown key") == true, "\(unknownKey)")
    }

    @Test("guard.jails.sip_auth.ban: permanent and window: 30s are read")
    func jailDurations() async throws {
        let configuration = try await GuardConfigurationFile.load("""
            guard:
              jails:
                sip_auth:
                  ban: permanent
                  window: 30s
                  threshold: 7
                sip_scanner:
                  mode: observe
            """)
        let jail = try #require(configuration.guardSettings.engine.jail(named: "sip-auth"))
        #expect(jail.ban == nil)
        #expect(jail.banDuration(offense: 1) == nil)
        #expect(jail.window == 30)
        #expect(jail.threshold == 7)
        #expect(configuration.guardSettings.engine.jail(named: "sip-scanner")?.mode == .observe)
        #expect(configuration.guardSettings.engine.jail(named: "sip-flood") == Jail.sipFlood, "an untouched jail keeps its defaults")
    }

    @Test("guard.jails.sip_auth.ban: permanent over real sockets: the ban is stored without an expiry and outlasts any housekeeping")
    func permanentBan() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock, yaml: "guard:\n  jails:\n    sip_auth:\n      ban: permanent\n") { server, setup, guardSetup in
            let target = try server.address(.udp)
            let attacker = try await server.udpClient(host: "127.0.0.27")
            for _ in 1...5 {
                try await GuardTraffic.failRegistration(client: attacker, server: target)
                guardSetup.service.tick(now: clock.date)
            }
            let ban = try #require(try GuardTraffic.bans(of: "127.0.0.27", in: setup.database, at: clock.date).first)
            #expect(ban.expiresAt == nil)
            clock.advance(seconds: 30 * 86_400)
            guardSetup.service.tick(10, now: clock.date)
            try await GuardTraffic.expectDropped(attacker, server: target, filter: guardSetup.filter)
        }
    }
}
