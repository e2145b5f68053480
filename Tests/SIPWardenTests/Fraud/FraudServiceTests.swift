import Console
import Foundation
import Fraud
import Logging
import Storage
import Switch
import Synchronization
import Testing

@testable import SIPWarden

/// The fraud service between the switch and the database: facts from call records, the
/// block held in routing at once, written with its action log line, lifted at its time,
/// rebuilt from stored records; on a manual clock and an in-memory database.
@Suite("Fraud service")
struct FraudServiceTests {
    final class Clock: Sendable {
        let now = Mutex<Int64>(1_790_000_000_000)
        func advance(_ milliseconds: Int64) { now.withLock { $0 += milliseconds } }
        var value: Int64 { now.withLock { $0 } }
    }

    struct Fixture {
        let database: AppDatabase
        let calls: CallServices
        let service: FraudService
        let hub: EventHub
        let clock: Clock
        let accountId: Int64
        let deviceId: Int64
    }

    static func fixture(_ configure: (inout FraudSettings) -> Void = { _ in }) throws -> Fixture {
        let database = try AppDatabase.inMemory()
        let account = try database.insert(Account(name: "victim", createdAt: Date(timeIntervalSince1970: 0)))
        var settings = FraudSettings()
        configure(&settings)
        let clock = Clock()
        let hub = EventHub()
        let logger = Logger(label: "test")
        let alerts = AlertDispatcher(logger: logger, events: hub, webhooks: nil, email: nil, database: database, directory: { nil })
        let service = FraudService(
            settings: settings, callSettings: CallSettings(), database: database, alerts: alerts, events: hub, logger: logger,
            wallClock: { clock.value })
        let calls = CallServices(records: DiscardingCallRecordSink())
        calls.replace(routing: CallRouting(accounts: [account.id!: CallRouting.AccountPolicy()]))
        service.attach(calls: calls)
        return Fixture(database: database, calls: calls, service: service, hub: hub, clock: clock, accountId: account.id!, deviceId: 7)
    }

    /// An outbound call record of the fixture's account to `number`.
    static func record(_ fixture: Fixture, _ index: Int, number: String, answered: Bool = false) -> CallRecordDraft {
        var draft = CallRecordDraft(
            callID: "call-\(index)", startedAt: fixture.clock.value, callerKind: .device, sourceIP: "203.0.113.9", sourcePort: 5060,
            transport: "udp", from: "<sip:stolen@example.com>", to: "<sip:\(number)@example.com>", requestURI: "sip:\(number)@example.com",
            dialledNumber: number)
        draft.accountId = fixture.accountId
        draft.deviceId = fixture.deviceId
        draft.destinationKind = .provider
        if answered { draft.answeredAt = fixture.clock.value }
        return draft
    }

    @Test("the call that reaches the critical level of a blocking rule is refused, and routing blocks the account at once")
    func blocksAtTheCriticalLevel() throws {
        let fixture = try Self.fixture()
        // +882 is on the high-risk list: account-risky-destinations-hour is critical at 5.
        for index in 1...4 {
            #expect(fixture.service.callStarting(Self.record(fixture, index, number: "0088216000000\(index)")))
            fixture.clock.advance(1_000)
        }
        #expect(fixture.calls.routing.accounts[fixture.accountId]?.blocked == false)
        #expect(!fixture.service.callStarting(Self.record(fixture, 5, number: "00882160000005")))
        let policy = try #require(fixture.calls.routing.accounts[fixture.accountId])
        #expect(policy.blocked)
        #expect(policy.blockedReason?.contains("account-risky-destinations-hour") == true)
        // A snapshot loaded before the block reached the database keeps it.
        fixture.calls.replace(routing: CallRouting(accounts: [fixture.accountId: CallRouting.AccountPolicy()]))
        #expect(fixture.calls.routing.accounts[fixture.accountId]?.blocked == true)
    }

    @Test("calls to the switch's own devices count for nothing; unidentified callers neither")
    func localCallsAreNotWatched() throws {
        let fixture = try Self.fixture()
        for index in 1...40 {
            var draft = Self.record(fixture, index, number: "1001")
            draft.destinationKind = .device
            #expect(fixture.service.callStarting(draft))
        }
        #expect(fixture.calls.routing.accounts[fixture.accountId]?.blocked == false)
        var unidentified = Self.record(fixture, 99, number: "00882160000001")
        unidentified.callerKind = .unidentified
        #expect(!FraudService.watches(unidentified))
    }

    @Test("carrying out a block writes it with its action log line, releases the hold, and a second finding logs no second block")
    func writesTheBlock() async throws {
        let fixture = try Self.fixture()
        var findings: [FraudFinding] = []
        for index in 1...5 {
            let draft = Self.record(fixture, index, number: "0088216000000\(index)")
            findings += fixture.service.monitor.record(.started(fixture.service.builder.call(draft), at: draft.startedAt), now: fixture.clock.value)
        }
        let critical = try #require(findings.first { $0.level == .critical })
        #expect(await fixture.service.writeBlock(critical))
        #expect(await !fixture.service.writeBlock(critical))
        let account = try #require(try fixture.database.account(id: fixture.accountId))
        #expect(account.blocked)
        #expect(account.blockedUntil == nil)
        #expect(account.blockedReason?.contains("5 calls") == true)
        let log = try fixture.database.actionLog(from: nil, to: nil, limit: 10)
        #expect(log.count == 1)
        #expect(log.first?.action == "account.block")
        #expect(log.first?.actor == "fraud-monitor")
        #expect(log.first?.target == "account \(fixture.accountId) victim")
        #expect(log.first?.details["figure"] == .number(5))
        #expect(log.first?.details["countries"] == .list(["882"]))
    }

    @Test("a block with a time is lifted when the time comes, and logged")
    func liftsTimedBlocks() async throws {
        let fixture = try Self.fixture { $0.rules = $0.rules.map { var rule = $0; rule.blockMillis = 60_000; return rule } }
        var findings: [FraudFinding] = []
        for index in 1...5 {
            let draft = Self.record(fixture, index, number: "0088216000000\(index)")
            findings += fixture.service.monitor.record(.started(fixture.service.builder.call(draft), at: draft.startedAt), now: fixture.clock.value)
        }
        let critical = try #require(findings.first { $0.level == .critical })
        await fixture.service.writeBlock(critical)
        #expect(try fixture.database.account(id: fixture.accountId)?.blockedUntil != nil)
        fixture.clock.advance(59_000)
        await fixture.service.tick()
        #expect(try fixture.database.account(id: fixture.accountId)?.blocked == true)
        fixture.clock.advance(1_000)
        await fixture.service.tick()
        #expect(try fixture.database.account(id: fixture.accountId)?.blocked == false)
        let log = try fixture.database.actionLog(from: nil, to: nil, limit: 10)
        #expect(log.map(\.action) == ["account.unblock", "account.block"])
        #expect(log.first?.actor == "server")
    }

    @Test("after a restart the monitors are rebuilt from the stored records: the spend of the last hour counts again")
    func rebuildsFromStoredRecords() throws {
        let fixture = try Self.fixture()
        var stored: [CallRecord] = []
        for index in 1...3 {
            var draft = Self.record(fixture, index, number: "00442071234567", answered: true)
            draft.endedAt = draft.startedAt + 60_000
            draft.billableSeconds = 60
            draft.costMicros = 7_000_000
            stored.append(CallRecordWriter.stored(draft))
            fixture.clock.advance(120_000)
        }
        try fixture.database.insert(stored)
        let service = FraudService(
            settings: FraudSettings(), callSettings: CallSettings(), database: fixture.database, alerts: fixture.service.alerts,
            events: fixture.hub, logger: Logger(label: "test"), wallClock: { fixture.clock.value })
        try service.rebuild()
        let spend = service.monitor.figure(.spend(.hour), scope: .account(fixture.accountId), now: fixture.clock.value)
        #expect(spend == 21_000_000)
        #expect(service.monitor.figure(.distinctNumbers(.hour), scope: .account(fixture.accountId), now: fixture.clock.value) == 1)
    }

    @Test("the numbers' countries are their calling codes, and risk is the deny list's whatever the account allows")
    func callFacts() {
        let builder = FraudCallBuilder(settings: CallSettings())
        var draft = CallRecordDraft(
            callID: "x", startedAt: 0, callerKind: .device, sourceIP: "192.0.2.1", sourcePort: 1, transport: "udp", from: "", to: "",
            requestURI: "", dialledNumber: "0044 20 7123 4567")
        draft.destinationKind = .provider
        #expect(builder.call(draft).number == "+442071234567")
        #expect(builder.call(draft).country == "44")
        #expect(!builder.call(draft).isRiskyDestination)
        draft.dialledNumber = "+882 16 000 0001"
        #expect(builder.call(draft).country == "882")
        #expect(builder.call(draft).isRiskyDestination)
        draft.dialledNumber = "+1 212 555 0100"
        #expect(builder.call(draft).country == "1")
        draft.dialledNumber = "1001"
        #expect(builder.call(draft).country == nil)
        #expect(CallingCodes.code(of: "+2125551234") == "212")
        #expect(CallingCodes.code(of: "+79161234567") == "7")
    }
}
