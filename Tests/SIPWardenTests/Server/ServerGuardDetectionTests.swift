import Foundation
import Guard
import NIOCore
import SIPTransport
import Storage
import Testing
@testable import SIPWarden

/// The Guard's other detectors over real sockets: scanner fingerprints, request floods,
/// malformed messages, and the blocklist file. Each test's sources are its own loopback
/// addresses.
@Suite("Server: the Guard against scanners, floods and garbage")
struct ServerGuardDetectionTests {
    @Test("sip-scanner: an OPTIONS from friendly-scanner gets no answer at all, and its source is banned for an hour (one UDP packet is never a permanent ban)")
    func scannerDropped() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let scanner = try await server.udpClient(host: "127.0.0.4")
            let mark = scanner.mark
            try await scanner.send(GuardTraffic.options(to: target, userAgent: "friendly-scanner").bytes, to: target)
            // Not banned yet (no tick): a clean OPTIONS from the same socket is answered, and
            // nothing came before its answer, so the scanner's OPTIONS was not answered.
            let earlier = try #require(try await GuardTraffic.answersBefore(mark, client: scanner, server: target), "the clean OPTIONS was not answered")
            #expect(earlier.isEmpty, "the scanner's OPTIONS was answered: \(earlier.map(\.startLine))")
            let statistics = await server.statistics()
            #expect(statistics.scannersSeen == 1)
            #expect(statistics.scannersDropped == 1)

            guardSetup.service.tick(now: clock.date)
            #expect(guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.4")))
            try await GuardTraffic.expectDropped(scanner, server: target, filter: guardSetup.filter)
            let ban = try #require(try GuardTraffic.bans(of: "127.0.0.4", in: setup.database, at: clock.date).first)
            #expect(ban.jail == "sip-scanner")
            #expect(ban.expiresAt == clock.date.addingTimeInterval(3_600), "one UDP packet: guard.single_packet_ban")
            #expect(ban.evidence.map(\.kind) == ["scanner_detected"])
            #expect(ban.evidence.first?.userAgent == "friendly-scanner")
        }
    }

    @Test("sip-scanner in observe mode: the same OPTIONS is answered, nothing is banned, and the would-be ban is counted")
    func scannerObserved() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        let yaml = """
            guard:
              jails:
                sip_scanner:
                  mode: observe
            """
        try await withGuardServer(fixture, clock: clock, yaml: yaml) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let scanner = try await server.udpClient(host: "127.0.0.24")
            let request = GuardTraffic.options(to: target, userAgent: "friendly-scanner")
            try await scanner.send(request.bytes, to: target)
            #expect(await scanner.response(callID: request.callID)?.statusCode == 200)
            let statistics = await server.statistics()
            #expect(statistics.scannersSeen == 1)
            #expect(statistics.scannersDropped == 0)
            guardSetup.service.tick(50, now: clock.date)
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.24")))
            #expect(try setup.database.activeBans(at: clock.date).isEmpty)
            let status = try #require(try setup.database.guardStatus())
            let jail = try #require(status.jails.first { $0.name == "sip-scanner" })
            #expect(jail.mode == "observe")
            #expect(jail.wouldBan == 1)
            #expect(jail.bansIssued == 0)
            try await GuardTraffic.expectAnswered(scanner, server: target)
        }
    }

    @Test("sip-flood: 100 OPTIONS in a burst ban the source, while another source registers")
    func flood() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        let clock = ManualWallClock()
        // The meter's clock stands still: the 100 requests fall in one 2-second window
        // however long a busy machine takes to send them, so exactly 30 get through.
        let meterTime = NIODeadline.now().uptimeNanoseconds
        try await withGuardServer(fixture, clock: clock, monotonicNow: { meterTime }) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let flooder = try await server.udpClient(host: "127.0.0.6")
            let phone = try await server.udpClient(host: "127.0.0.7")
            for _ in 1...100 {
                try await flooder.send(GuardTraffic.options(to: target).bytes, to: target)
            }
            // The meter trips past 30 within 2 seconds and drops the rest of the window.
            let tripped = await poll(timeout: Wait.answer) { guardSetup.filter.statistics.droppedFlood > 0 ? true : nil }
            #expect(tripped == true, "the flood meter did not trip")
            #expect(try await GuardTraffic.register(client: phone, server: target).statusCode == 200)
            guardSetup.service.tick(now: clock.date)
            #expect(guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.6")))
            #expect(!guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.7")))
            try await GuardTraffic.expectDropped(flooder, server: target, filter: guardSetup.filter)
            let ban = try #require(try GuardTraffic.bans(of: "127.0.0.6", in: setup.database, at: clock.date).first)
            #expect(ban.jail == "sip-flood")
            #expect(ban.expiresAt == clock.date.addingTimeInterval(300))
            #expect(ban.evidence.map(\.kind) == ["request_flood"])
            #expect(flooder.messages.count == 30, "answers past the flood limit of 30 in one window: \(flooder.messages.count)")
            #expect(try await GuardTraffic.register(client: phone, server: target).statusCode == 200)
        }
    }

    @Test("sip-malformed: 10 unparsable datagrams, half of them SIP-looking and half pure garbage, ban the source")
    func malformed() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock) { server, setup, guardSetup in
            let target = try server.address(.udp)
            let sender = try await server.udpClient(host: "127.0.0.8")
            let host = target.ipAddress!
            let recognisable: [String] = [
                // A bad CSeq, every mandatory header there: answered 400.
                "OPTIONS sip:\(host) SIP/2.0\r\nVia: SIP/2.0/UDP client.invalid;branch=z9hG4bK-m1\r\nMax-Forwards: 70\r\nFrom: <sip:a@client.invalid>;tag=1\r\nTo: <sip:\(host)>\r\nCall-ID: m1\r\nCSeq: one OPTIONS\r\nContent-Length: 0\r\n\r\n",
                // No Call-ID, no CSeq: dropped.
                "REGISTER sip:\(host) SIP/2.0\r\nVia: SIP/2.0/UDP client.invalid;branch=z9hG4bK-m2\r\nFrom: <sip:a@client.invalid>;tag=2\r\n\r\n",
                // A header line without a colon.
                "INVITE sip:100@\(host) SIP/2.0\r\nVia: SIP/2.0/UDP client.invalid;branch=z9hG4bK-m3\r\nthis is not a header\r\n\r\n",
                // A bad SIP version.
                "OPTIONS sip:\(host) SIP/7.0\r\nVia: SIP/7.0/UDP client.invalid;branch=z9hG4bK-m4\r\nCall-ID: m4\r\nCSeq: 1 OPTIONS\r\n\r\n",
                // A Content-Length past the end.
                "OPTIONS sip:\(host) SIP/2.0\r\nVia: SIP/2.0/UDP client.invalid;branch=z9hG4bK-m5\r\nCall-ID: m5\r\nCSeq: 1 OPTIONS\r\nContent-Length: 9999\r\n\r\nshort",
            ]
            let garbage: [[UInt8]] = [
                Array("hello there, anybody home?".utf8),
                [0x00, 0x01, 0x02, 0x03, 0xFF, 0xFE, 0x80, 0x7F, 0x10, 0x20],
                Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                Array(repeating: 0x41, count: 300),
                [0x16, 0x03, 0x01, 0x00, 0x2F, 0x01, 0x00, 0x00, 0x2B, 0x03, 0x03],
            ]
            let mark = sender.mark
            for bytes in recognisable.map({ Array($0.utf8) }) + garbage {
                try await sender.send(bytes, to: target)
            }
            // A clean OPTIONS after them: once it is answered, all ten were read.
            let earlier = try #require(try await GuardTraffic.answersBefore(mark, client: sender, server: target), "the clean OPTIONS was not answered")
            #expect(earlier.allSatisfy { $0.statusCode.map { $0 >= 400 } ?? false }, "\(earlier.map(\.startLine))")
            guardSetup.service.tick(now: clock.date)
            #expect(guardSetup.filter.isBanned(GuardTraffic.key("127.0.0.8")))
            try await GuardTraffic.expectDropped(sender, server: target, filter: guardSetup.filter)
            let ban = try #require(try GuardTraffic.bans(of: "127.0.0.8", in: setup.database, at: clock.date).first)
            #expect(ban.jail == "sip-malformed")
            #expect(ban.expiresAt == clock.date.addingTimeInterval(600))
            #expect(!ban.evidence.isEmpty && ban.evidence.allSatisfy { $0.kind == "malformed_message" })
            #expect(ban.reason.hasPrefix("10 of 10"), "\(ban.reason)")
        }
    }

    @Test("the blocklist file: its address and its CIDR are dropped (comment and bad line aside); rewritten, it is read again at the next five-second housekeeping")
    func blocklist() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let path = try GuardConfigurationFile.write("""
            # networks we never want to hear from
            127.0.0.17
            127.0.1.0/24   # a whole range
            not-an-address

            """, suffix: "txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock, yaml: "guard:\n  blocklist: \(path)\n") { server, setup, guardSetup in
            let target = try server.address(.udp)
            let listed = try await server.udpClient(host: "127.0.0.17")
            let inRange = try await server.udpClient(host: "127.0.1.9")
            let later = try await server.udpClient(host: "127.0.0.18")
            let control = try await server.udpClient(host: "127.0.0.26")
            try await GuardTraffic.expectDropped(listed, server: target, filter: guardSetup.filter)
            try await GuardTraffic.expectDropped(inRange, server: target, filter: guardSetup.filter)
            try await GuardTraffic.expectAnswered(later, server: target)
            try await GuardTraffic.expectAnswered(control, server: target)
            #expect(try setup.database.activeBans(at: clock.date).isEmpty, "blocklist entries are not stored as bans")

            try "127.0.0.18\n# 127.0.0.17 is fine now\n".write(toFile: path, atomically: true, encoding: .utf8)
            guardSetup.service.tick(50, now: clock.date)
            try await GuardTraffic.expectDropped(later, server: target, filter: guardSetup.filter)
            try await GuardTraffic.expectAnswered(listed, server: target)
            try await GuardTraffic.expectAnswered(inRange, server: target)
            try await GuardTraffic.expectAnswered(control, server: target)
        }
    }
}
