import Foundation
import Guard
import SIPTestSupport
import SIPTransport
import Synchronization
import Testing
@testable import SIPWarden

/// The metrics of a server on real sockets: known traffic in, exact figures out. Each test
/// has its own server and so its own registry; the last message of each exchange is
/// answered before the metrics are read, and the server counts before it answers. Gauges
/// are written as floating-point numbers (`1.0`), counters as integers.
@Suite("Metrics: the server's figures")
struct ServerMetricsTests {
    @Test("UDP: three OPTIONS and a datagram that is not SIP: requests by method, responses by code, one parse error, packets, answer times")
    func udpTraffic() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            try await client.send("this is not SIP at all\r\n\r\n", to: target)
            for _ in 0..<3 {
                let options = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .udp)
                try await client.send(options.bytes, to: target)
                #expect(await client.response(callID: options.callID)?.statusCode == 200)
            }
            let metrics = MetricsText(server.server)
            #expect(metrics[#"sipwarden_sip_requests_total{method="OPTIONS"}"#] == "3", "\(metrics)")
            #expect(metrics[#"sipwarden_sip_requests_total{method="INVITE"}"#] == "0")
            #expect(metrics[#"sipwarden_sip_responses_total{code="200"}"#] == "3")
            #expect(metrics["sipwarden_sip_parse_errors_total"] == "1")
            #expect(metrics[#"sipwarden_packets_received_total{transport="udp"}"#] == "4")
            #expect(metrics[#"sipwarden_packets_sent_total{transport="udp"}"#] == "3")
            #expect(metrics[#"sipwarden_packets_received_total{transport="tcp"}"#] == "0")
            #expect(metrics["sipwarden_sip_answer_duration_seconds_count"] == "3")
            #expect(metrics[#"sipwarden_sip_answer_duration_seconds_bucket{le="+Inf"}"#] == "3")
            #expect(metrics[#"sipwarden_sip_answer_duration_seconds_bucket{le="0.0001"}"#] != nil, "the smallest bucket is 0.1 ms")
            #expect(metrics[#"sipwarden_sip_answer_duration_seconds_bucket{le="1.0"}"#] == "3", "the largest bucket is 1 s")
            #expect(metrics["sipwarden_transactions_created_total"] == "0", "OPTIONS is answered statelessly")
            #expect(metrics["sipwarden_registration_bindings"] == "0.0")
            #expect(metrics.text.contains("# TYPE sipwarden_sip_answer_duration_seconds histogram"))
            #expect(metrics.text.contains("# TYPE sipwarden_sip_requests_total counter"))
        }
    }

    @Test("a made-up method is counted as other: what a sender writes never becomes a label")
    func unknownMethod() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let request = TestRequest(method: "XYZZYPLUGH", host: ServerSetup.ipv4, transport: .udp)
            try await client.send(request.bytes, to: target)
            let answer = try #require(await client.response(callID: request.callID))
            let status = try #require(answer.statusCode)
            let metrics = MetricsText(server.server)
            #expect(metrics[#"sipwarden_sip_requests_total{method="other"}"#] == "1", "\(metrics)")
            #expect(metrics[#"sipwarden_sip_responses_total{code="\#(status)"}"#] == "1")
            #expect(!metrics.text.contains("XYZZYPLUGH"))
        }
    }

    @Test("TCP: the message and its answer are counted under tcp")
    func tcpTraffic() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let client = try await server.streamClient(.tcp)
            #expect(try await client.exchange(TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .tcp))?.statusCode == 200)
            let metrics = MetricsText(server.server)
            #expect(metrics[#"sipwarden_packets_received_total{transport="tcp"}"#] == "1", "\(metrics)")
            #expect(metrics[#"sipwarden_packets_sent_total{transport="tcp"}"#] == "1")
            #expect(metrics[#"sipwarden_packets_received_total{transport="udp"}"#] == "0")
        }
    }

    @Test("INVITE: an identified caller's gets a server transaction that stays until its ACK (timers frozen); a refused one gets none")
    func transactions() async throws {
        try await ServerInviteTransactionTests.withProviderServer(try ServerInviteTransactionTests.frozenTimers()) { server in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            let invite = ServerInviteTransactionTests.invite()
            try await client.send(invite.bytes, to: target)
            #expect(await client.response(callID: invite.callID)?.statusCode == 404)
            var metrics = MetricsText(server.server)
            #expect(metrics["sipwarden_transactions_created_total"] == "1", "\(metrics)")
            #expect(metrics["sipwarden_transactions_active"] == "1.0")
            #expect(metrics[#"sipwarden_sip_requests_total{method="INVITE"}"#] == "1")
            #expect(metrics[#"sipwarden_sip_responses_total{code="404"}"#] == "1")
            // A stranger's INVITE is challenged statelessly.
            let stranger = try await server.udpClient(host: "127.0.0.5")
            let other = ServerInviteTransactionTests.invite()
            try await stranger.send(other.bytes, to: target)
            #expect(await stranger.response(callID: other.callID)?.statusCode == 407)
            metrics = MetricsText(server.server)
            #expect(metrics["sipwarden_transactions_created_total"] == "1", "\(metrics)")
            #expect(metrics[#"sipwarden_sip_responses_total{code="407"}"#] == "1")
        }
    }

    @Test("REGISTER: the challenge and the 200 by code, and the binding counted at scrape time")
    func registrations() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        try fixture.addDevice("1001")
        try await withRegistrarServer(fixture) { server, _ in
            let target = try server.address(.udp)
            let client = try await server.udpClient()
            #expect(try await GuardTraffic.register(client: client, server: target).statusCode == 200)
            let metrics = MetricsText(server.server)
            #expect(metrics["sipwarden_registration_bindings"] == "1.0", "\(metrics)")
            #expect(metrics[#"sipwarden_sip_requests_total{method="REGISTER"}"#] == "2")
            #expect(metrics[#"sipwarden_sip_responses_total{code="401"}"#] == "1")
            #expect(metrics[#"sipwarden_sip_responses_total{code="200"}"#] == "1")
        }
    }

    @Test("Guard: a scanner's ban by jail, the ban in force, and its next packet dropped at the door")
    func guardFigures() async throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let clock = ManualWallClock()
        try await withGuardServer(fixture, clock: clock) { server, setup, guardSetup in
            server.server.metrics.watch(callers: setup)
            server.server.metrics.watch(guard: guardSetup)
            let target = try server.address(.udp)
            let scanner = try await server.udpClient(host: "127.0.0.4")
            let mark = scanner.mark
            try await scanner.send(GuardTraffic.options(to: target, userAgent: "friendly-scanner").bytes, to: target)
            #expect(try await GuardTraffic.answersBefore(mark, client: scanner, server: target)?.isEmpty == true)
            var metrics = MetricsText(server.server)
            #expect(metrics[#"sipwarden_bans_total{jail="sip-scanner"}"#] == "0", "every configured jail has its series: \(metrics)")
            #expect(metrics["sipwarden_bans_active"] == "0.0")

            guardSetup.service.tick(now: clock.date)
            try await GuardTraffic.expectDropped(scanner, server: target, filter: guardSetup.filter)
            metrics = MetricsText(server.server)
            #expect(metrics[#"sipwarden_bans_total{jail="sip-scanner"}"#] == "1", "\(metrics)")
            #expect(metrics["sipwarden_bans_active"] == "1.0")
            #expect(metrics[#"sipwarden_guard_dropped_packets_total{reason="banned"}"#] == "1")
            #expect(metrics[#"sipwarden_guard_dropped_packets_total{reason="flood"}"#] == "0")
            #expect(metrics[#"sipwarden_packets_received_total{transport="udp"}"#] == "3", "the scanner's OPTIONS, the clean one after it, the one dropped")
            // A second scrape adds nothing: the scraped counters go up by what their tallies gained.
            #expect(MetricsText(server.server)[#"sipwarden_bans_total{jail="sip-scanner"}"#] == "1")
        }
    }

    @Test("docs/metrics.md names every series the server writes")
    func documented() throws {
        let metrics = ServerMetrics()
        // The series made on first use: a response code, a jail.
        metrics.engine.responseSent(status: 200)
        metrics.watch { $0.jails = { ["sip-auth": JailStatistics()] } }
        let text = MetricsText(metrics.render()).text
        let names = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(names.count == 17, "\(names)")
        let docs = try String(contentsOf: Fixtures.url("../../docs/metrics.md").standardizedFileURL, encoding: .utf8)
        for name in names {
            #expect(docs.contains("| `\(name)` |"), "\(name) is not in docs/metrics.md")
        }
    }

    @Test("tallies kept elsewhere: each scrape adds what they gained since the last, never twice")
    func scrapedTallies() {
        let metrics = ServerMetrics()
        let tally = Mutex((written: 0, fraud: FraudActionCounts()))
        metrics.watch { sources in
            sources.callRecordsWritten = { tally.withLock { $0.written } }
            sources.fraudActions = { tally.withLock { $0.fraud } }
        }
        #expect(MetricsText(metrics.render())["sipwarden_cdrs_written_total"] == "0")
        tally.withLock {
            $0.written = 5
            $0.fraud = FraudActionCounts(alerts: 2, blocks: 1, hangUps: 3)
        }
        #expect(MetricsText(metrics.render())["sipwarden_cdrs_written_total"] == "5")
        tally.withLock { $0.written = 7 }
        let text = MetricsText(metrics.render())
        #expect(text["sipwarden_cdrs_written_total"] == "7")
        #expect(text[#"sipwarden_fraud_actions_total{action="alert"}"#] == "2")
        #expect(text[#"sipwarden_fraud_actions_total{action="block"}"#] == "1")
        #expect(text[#"sipwarden_fraud_actions_total{action="hang_up"}"#] == "3")
    }
}
