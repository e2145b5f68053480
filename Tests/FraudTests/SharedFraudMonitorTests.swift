import Fraud
import Testing

/// Many event loops feeding one monitor at once: every fact counted exactly once.
@Suite("Shared monitor")
struct SharedFraudMonitorTests {
    @Test("Facts from many tasks at once give exact totals")
    func manyTasks() async {
        let rules = [
            Sample.rule("spend", .spend(.hour), scope: .global, warning: MonitorRule.money(1_000_000)),
            Sample.rule("calls", .calls(.hour), scope: .global, warning: 1_000_000),
            Sample.rule("concurrent", .concurrentCalls, scope: .global, warning: 1_000_000),
            Sample.rule("account-concurrent", .concurrentCalls, warning: 1_000_000),
            Sample.rule("numbers", .distinctNumbers(.hour), warning: 1_000_000),
        ]
        let shared = SharedFraudMonitor(FraudMonitor(rules: rules))
        let tasks = 16
        let callsPerTask = 250
        let now = Time.monday + 30 * Time.minute

        // Every call starts...
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in 0..<callsPerTask {
                        let call = Sample.call("t\(task)-\(index)", account: Int64(task % 4), device: Int64(task), number: "+44\(index)")
                        _ = shared.record(.started(call, at: now + Int64(index)), now: now + Int64(index))
                    }
                }
            }
        }
        let started = shared.snapshot
        #expect(started.figure(.concurrentCalls, scope: .global, now: now + 250) == Int64(tasks * callsPerTask))
        #expect(started.figure(.concurrentCalls, scope: .account(1), now: now + 250) == Int64(4 * callsPerTask))
        #expect(started.figure(.distinctNumbers(.hour), scope: .account(1), now: now + 250) == Int64(callsPerTask))

        // ...and ends, each end told twice by two loops.
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                for _ in 0..<2 {
                    group.addTask {
                        for index in 0..<callsPerTask {
                            let call = Sample.call("t\(task)-\(index)", account: Int64(task % 4), device: Int64(task), number: "+44\(index)")
                            let at = now + 1_000 + Int64(index)
                            _ = shared.record(.ended(call, at: at, billableSeconds: 10, durationMillis: 10_000, costMicros: 1_234), now: at)
                        }
                    }
                }
            }
        }
        let ended = shared.snapshot
        let end = now + 2_000
        #expect(ended.liveCalls == 0)
        #expect(ended.figure(.concurrentCalls, scope: .global, now: end) == 0)
        #expect(ended.figure(.concurrentCalls, scope: .account(3), now: end) == 0)
        #expect(ended.figure(.calls(.hour), scope: .global, now: end) == Int64(tasks * callsPerTask))
        #expect(ended.figure(.spend(.hour), scope: .global, now: end) == Int64(tasks * callsPerTask) * 1_234)
    }

    @Test("Replay and replacement through the shared monitor")
    func replayAndReplace() {
        let shared = SharedFraudMonitor(FraudMonitor())
        let call = Sample.call("r")
        shared.replay(FraudCallFact.lifecycle(
            of: call, startedAt: Time.monday, answeredAt: Time.monday, endedAt: Time.monday + Time.minute, billableSeconds: 60,
            durationMillis: 60_000, costMicros: 7_000_000), now: Time.monday + Time.hour)
        #expect(shared.figure(.spend(.day), scope: .account(42), now: Time.monday + Time.hour) == 7_000_000)
        #expect(shared.readings(now: Time.monday + Time.hour)[.account(42)]?[.spend(.month)] == 7_000_000)
        shared.replace(with: FraudMonitor())
        #expect(shared.figure(.spend(.day), scope: .account(42), now: Time.monday + Time.hour) == 0)
        shared.expire(now: Time.monday + 2 * Time.hour)
        #expect(shared.snapshot.trackedScopes == 0)
    }
}
