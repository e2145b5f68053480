import Fraud
import Testing

/// The attack the monitors exist for: a device's stolen credentials used from a new address
/// to call satellite and premium numbers in a new country, many short calls at a high rate.
/// The default rules must warn, then block, then block and hang up, with the right figures,
/// before the account's money limit is reached.
@Suite("Toll-fraud burst")
struct TollFraudBurstTests {
    static let attacker = "203.0.113.66"
    static let usualAddress = "198.51.100.7"

    /// Call `k` (from 1) starts at `start + 2 s × (k − 1)`, is answered 1 s later and lasts
    /// 6 s, costing 2.00.
    static func burstCall(_ k: Int) -> FraudCall {
        FraudCall(
            callID: "burst-\(k)", accountId: 42, deviceId: 7, number: "+8821620\(1000 + k)", country: "882", isRiskyDestination: true,
            sourceIP: attacker)
    }

    @Test("Warning, then critical, with the figures and actions of the default rules")
    func burstIsStopped() throws {
        var monitor = FraudMonitor()
        // The account's ordinary life: a call to the United Kingdom forty days before.
        let usual = FraudCall(callID: "usual", accountId: 42, deviceId: 7, number: "+441632960001", country: "GB", sourceIP: Self.usualAddress)
        let start = Time.monday + 2 * Time.hour
        _ = monitor.place(usual, at: start - 40 * Time.day, seconds: 120, cost: 300_000)

        // Facts in time order: starts every 2 s, answers 1 s and ends 7 s after each start.
        var facts: [(at: Int64, fact: FraudCallFact)] = []
        for k in 1...30 {
            let at = start + Int64(k - 1) * 2 * Time.second
            let call = Self.burstCall(k)
            facts.append((at, .started(call, at: at)))
            facts.append((at + Time.second, .answered(call, at: at + Time.second)))
            facts.append((at + 7 * Time.second, .ended(call, at: at + 7 * Time.second, billableSeconds: 6, durationMillis: 6_000, costMicros: 2_000_000)))
        }
        facts = facts.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        var timeline: [(at: Int64, finding: FraudFinding, spent: Int64)] = []
        for (at, fact) in facts {
            for finding in monitor.record(fact, now: at) {
                timeline.append((at, finding, monitor.figure(.spend(.hour), scope: .account(42), now: at)))
            }
        }

        let second = Time.second
        let expected: [(Int64, Reported)] = [
            // Call 1: a high-risk destination, in a country the account never called.
            (start, Reported("account-risky-destinations-hour", .warning, .account(42), figure: 1, threshold: 1)),
            (start, Reported("account-new-country", .warning, .account(42), figure: 1, threshold: 1)),
            // Call 5: the fifth high-risk call in the hour blocks the account.
            (start + 8 * second, Reported("account-risky-destinations-hour", .critical, .account(42), figure: 5, threshold: 5, action: .blockAccount)),
            // Call 10, 18 s in: ten calls within the minute from one device.
            (start + 18 * second, Reported("device-calls-per-minute", .warning, .device(7), figure: 10, threshold: 10)),
            // Call 10 ends at 25 s: ten calls at 2.00.
            (start + 25 * second, Reported("account-spend-hour", .warning, .account(42), figure: 20_000_000, threshold: 20_000_000)),
            // Call 25 ends at 55 s.
            (start + 55 * second, Reported("account-spend-hour", .critical, .account(42), figure: 50_000_000, threshold: 50_000_000, action: .blockAccount)),
            // Call 30, 58 s in: thirty numbers within the hour, thirty calls within the minute.
            (start + 58 * second, Reported("account-distinct-numbers-hour", .warning, .account(42), figure: 30, threshold: 30)),
            (start + 58 * second, Reported("device-calls-per-minute", .critical, .device(7), figure: 30, threshold: 30, action: .blockAccountAndHangUp)),
        ]
        #expect(timeline.map(\.at) == expected.map(\.0))
        #expect(timeline.map { Reported($0.finding) } == expected.map(\.1))

        // The first block came 8 s in, when the account had spent 2.00 of the 50.00 that
        // would have blocked it on money alone.
        let firstBlock = try #require(timeline.first { $0.finding.action.blocksAccount })
        #expect(firstBlock.spent == 2_000_000)
        #expect(firstBlock.finding.accountToBlock == 42)
        #expect(firstBlock.finding.blockedUntil == nil)

        // The alert tells what happened: the new address beside the usual one, the numbers,
        // the country next to the one the account knows.
        let context = firstBlock.finding.context
        #expect(context.callID == "burst-5")
        #expect(context.deviceId == 7)
        #expect(context.sourceIPs == [Self.attacker, Self.usualAddress])
        #expect(context.countries == ["882", "GB"])
        #expect(context.numbers.prefix(3) == ["+88216201005", "+88216201004", "+88216201003"])
        #expect(context.numbers.count == 6)
        #expect(firstBlock.finding.description
            == "account 42: calls to high-risk destinations in the last hour at 5 calls, critical level 5 calls (account-risky-destinations-hour): block account")

        let hangUp = try #require(timeline.last?.finding)
        #expect(hangUp.action.hangsUpCalls)
        #expect(hangUp.accountToBlock == 42)
        #expect(hangUp.context.numbers.count == 10)
    }
}
