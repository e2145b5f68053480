import Foundation
import NIOCore
import SIPTransport
import Storage
import Switch
import Testing
@testable import SIPWarden

/// A call answered when the server dies (kill -9) is not lost: its row, written at the
/// answer and kept alive by the server's heartbeat every few seconds, is closed at the next start with its own cause at
/// the time last seen, charged, logged, and both parties are to be hung up.
@Suite("Live calls across a crash")
struct LiveCallRecoveryTests {
    static func answeredCall(_ callID: String, accountId: Int64, deviceId: Int64, answeredAt: Int64) throws -> ActiveCall {
        var record = CallRecordDraft(
            callID: callID, startedAt: answeredAt - 3_000, callerKind: .device, sourceIP: "127.0.0.2", sourcePort: 5062, transport: "udp",
            from: "<sip:alice@x>;tag=a1", to: "<sip:0044207@x>", requestURI: "sip:0044207@x", dialledNumber: "0044207")
        record.accountId = accountId
        record.deviceId = deviceId
        record.answeredAt = answeredAt
        record.destinationKind = .provider
        record.destination = "carrier"
        var call = ActiveCall(
            record: record, ownerLoop: 0, caller: CallEndpoint(transport: .udp, address: try SocketAddress(ipAddress: "127.0.0.2", port: 5062)),
            callerTag: "a1", callerFrom: "<sip:alice@x>;tag=a1", callerTo: "<sip:0044207@x>", callerTarget: "sip:alice@127.0.0.2:5062",
            callerCSeq: 2, maxSeconds: 3_600)
        call.callee = CallEndpoint(transport: .udp, address: try SocketAddress(ipAddress: "127.0.0.9", port: 5060))
        call.calleeTag = "c1"
        call.calleeTarget = "sip:0044207@127.0.0.9:5060"
        call.accountId = accountId
        call.tariff = Tariff(prefix: "+44", pricePerMinuteMicros: 60_000)
        return call
    }

    @Test("kill -9 during an answered call: at the next start it is recorded as server-restart, ended when last seen, charged, in the action log, and its dialog is handed out to be hung up")
    func crashLeavesATrace() throws {
        let fixture = try RegistrarFixture.make()
        defer { fixture.remove() }
        let device = try fixture.addDevice("alice")
        var account = try #require(try fixture.database.account(id: device.accountId))
        account.balanceMicros = 10_000_000
        try fixture.database.update(account)
        let clock = ManualWallClock()
        let first = try CallerSetup.make(configuration: ServerSetup.configuration(), dataDirectory: fixture.dataDirectory, logger: silentLogger, wallClock: clock.read)
        #expect(first.orphans.isEmpty)
        let call = try Self.answeredCall("crash-1", accountId: device.accountId, deviceId: device.id!, answeredAt: clock.read())
        first.callRecords.callAnswered(call)
        // A call answered and ended within one batch leaves nothing behind.
        var brief = try Self.answeredCall("brief-1", accountId: device.accountId, deviceId: device.id!, answeredAt: clock.read())
        first.callRecords.callAnswered(brief)
        brief.record.endedAt = clock.read() + 1_000
        first.callRecords.record(brief.record)
        first.callRecords.flush()
        #expect(try fixture.database.liveCalls().map(\.callID) == ["crash-1"])
        // Seen up for 12 more seconds, every 5: last seen 10 s after the answer.
        for _ in 0..<12 {
            clock.advance(seconds: 1)
            first.callRecords.flush()
        }
        // kill -9: nothing more is written. The next start:
        clock.advance(seconds: 60)
        let second = try CallerSetup.make(configuration: ServerSetup.configuration(), dataDirectory: fixture.dataDirectory, logger: silentLogger, wallClock: clock.read)
        #expect(second.orphans.map(\.callID) == ["crash-1"])
        let orphan = try #require(second.orphans.first)
        #expect(orphan.calleeTarget == "sip:0044207@127.0.0.9:5060" && orphan.calleeTag == "c1" && orphan.callerCSeq == 2)
        #expect(try fixture.database.liveCalls().isEmpty)
        let records = try fixture.database.callRecords(CallRecordFilter(limit: 10)).filter { $0.callID == "crash-1" }
        let record = try #require(records.first)
        #expect(records.count == 1)
        #expect(record.cause == "server-restart")
        #expect(record.durationMillis == 10_000)
        #expect(record.billableSeconds == 10)
        #expect(record.costMicros == 10_000)
        #expect(try fixture.database.account(id: device.accountId)?.balanceMicros == 10_000_000 - 10_000)
        let logged = try fixture.database.actionLog(from: nil, to: nil, limit: 10).filter { $0.action == "call.closed_after_restart" }
        #expect(logged.map(\.target) == ["call crash-1"])
        // A third start finds nothing more to close.
        let third = try CallerSetup.make(configuration: ServerSetup.configuration(), dataDirectory: fixture.dataDirectory, logger: silentLogger, wallClock: clock.read)
        #expect(third.orphans.isEmpty)
        #expect(try fixture.database.callRecords(CallRecordFilter(limit: 10)).filter { $0.callID == "crash-1" }.count == 1)
    }
}
