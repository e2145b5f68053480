import Fraud
import Testing

/// After a restart the monitors are rebuilt by replaying the stored call records: the same
/// facts through the same functions give the same figures and the same findings.
@Suite("Rebuild after a restart")
struct RebuildTests {
    /// A stored call record, as far as the monitors care.
    struct StoredCall {
        var call: FraudCall
        var startedAt: Int64
        var answeredAt: Int64?
        var endedAt: Int64
        var seconds: Int
        var cost: Int64

        var facts: [FraudCallFact] {
            FraudCallFact.lifecycle(
                of: call, startedAt: startedAt, answeredAt: answeredAt, endedAt: endedAt, billableSeconds: seconds,
                durationMillis: answeredAt.map { endedAt - $0 } ?? 0, costMicros: cost)
        }
    }

    /// Two days of mixed traffic from three accounts and five devices, overlapping calls,
    /// unanswered ones, risky numbers, several countries, a burst.
    static let history: [StoredCall] = {
        var calls: [StoredCall] = []
        let countries = ["GB", "FR", "DE", "882", "US"]
        for index in 0..<400 {
            let account = Int64(index % 3 + 1)
            let device = Int64(index % 5 + 10)
            let start = Time.monday + Int64(index) * 7 * Time.minute + Int64(index % 11) * 997
            let answered = index % 4 == 0 ? nil : start + 5 * Time.second
            let seconds = answered == nil ? 0 : 30 + index % 200
            let end = (answered ?? start) + Int64(seconds) * 1000 + 1
            let number = "+\(index % 37 + 100)"
            let call = FraudCall(
                callID: "c\(index)", accountId: account, deviceId: device, number: number, country: countries[index % countries.count],
                isRiskyDestination: index % 13 == 0, sourceIP: "198.51.100.\(index % 7)")
            calls.append(StoredCall(call: call, startedAt: start, answeredAt: answered, endedAt: end, seconds: seconds, cost: Int64(seconds) * 90_000))
        }
        // A burst: one device, a call every 2 s.
        for index in 0..<40 {
            let start = Time.monday + 20 * Time.hour + Int64(index) * 2 * Time.second
            let call = FraudCall(
                callID: "burst\(index)", accountId: 3, deviceId: 12, number: "+88216\(index)", country: "882", isRiskyDestination: true,
                sourceIP: "203.0.113.66")
            calls.append(StoredCall(call: call, startedAt: start, answeredAt: start + 500, endedAt: start + 4_500, seconds: 4, cost: 1_500_000))
        }
        return calls
    }()

    /// Every fact of the stored calls in the order they happened, as a running server saw
    /// them.
    static var liveOrder: [FraudCallFact] {
        history.flatMap(\.facts).enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    static let restart = Time.monday + 2 * Time.day + 3 * Time.hour

    @Test("Replaying the stored records gives the figures and findings of the monitor that saw them live")
    func replayMatchesLive() {
        var live = FraudMonitor()
        var liveFindings: [FraudFinding] = []
        for fact in Self.liveOrder {
            liveFindings += live.record(fact, now: fact.at)
        }
        live.expire(now: Self.restart)
        #expect(!liveFindings.isEmpty)

        // The records come back from storage in another order (by id, by account...).
        var stored = Self.history.flatMap(\.facts)
        stored.reverse()
        var rebuilt = FraudMonitor()
        let replayed = rebuilt.replay(stored, now: Self.restart)

        #expect(replayed == liveFindings)
        #expect(rebuilt.readings(now: Self.restart) == live.readings(now: Self.restart))
        #expect(!live.readings(now: Self.restart).isEmpty)
        #expect(rebuilt.trackedScopes == live.trackedScopes)
        #expect(rebuilt.liveCalls == 0 && live.liveCalls == 0)

        // And they go on alike: the next calls after the restart report the same.
        for index in 0..<60 {
            let at = Self.restart + Int64(index) * 1_500
            let call = FraudCall(
                callID: "after\(index)", accountId: 3, deviceId: 12, number: "+88299\(index)", country: "979", isRiskyDestination: true)
            #expect(rebuilt.place(call, at: at, seconds: 3, cost: 2_500_000) == live.place(call, at: at, seconds: 3, cost: 2_500_000))
        }
        #expect(rebuilt.readings(now: Self.restart + Time.hour) == live.readings(now: Self.restart + Time.hour))
    }

    @Test("Only the replay horizon matters: records older than it change nothing")
    func horizon() {
        let monitor = FraudMonitor()
        // The longest memory of the defaults is the new-country history of 90 days.
        #expect(monitor.replayHorizonMillis == 90 * Time.day)
        let old = FraudCall(callID: "old", accountId: 1, deviceId: 10, number: "+331", country: "FR")
        let recent = FraudCall(callID: "recent", accountId: 1, deviceId: 10, number: "+332", country: "FR")
        let now = Time.monday + 200 * Time.day
        let oldFacts = FraudCallFact.lifecycle(
            of: old, startedAt: now - monitor.replayHorizonMillis - Time.day, answeredAt: nil, endedAt: now - monitor.replayHorizonMillis - Time.day,
            billableSeconds: 0, durationMillis: 0, costMicros: 0)
        let recentFacts = FraudCallFact.lifecycle(
            of: recent, startedAt: now - Time.hour, answeredAt: now - Time.hour, endedAt: now - Time.hour + Time.minute, billableSeconds: 60,
            durationMillis: 60_000, costMicros: 4_000_000)
        var withOld = FraudMonitor()
        var without = FraudMonitor()
        withOld.replay(oldFacts + recentFacts, now: now)
        without.replay(recentFacts, now: now)
        #expect(withOld.readings(now: now) == without.readings(now: now))
        #expect(withOld.trackedScopes == without.trackedScopes)
    }
}
