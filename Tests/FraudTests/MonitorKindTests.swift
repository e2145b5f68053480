import Fraud
import Testing

/// Each kind of monitor measures what it says, under the scopes it says.
@Suite("Monitor kinds")
struct MonitorKindTests {
    @Test("Spend per period, per account and for the switch, with money thresholds")
    func spend() {
        var monitor = FraudMonitor(rules: [
            Sample.rule("account", .spend(.day), warning: MonitorRule.money(10), critical: MonitorRule.money(25)),
            Sample.rule("switch", .spend(.day), scope: .global, warning: MonitorRule.money(30)),
        ])
        var reported: [Reported] = []
        for index in 0..<3 {
            let at = Time.monday + Int64(index) * Time.hour
            reported += monitor.place(Sample.call("a\(index)", account: 1, device: 11), at: at, seconds: 60, cost: MonitorRule.money(9)).reported
            reported += monitor.place(Sample.call("b\(index)", account: 2, device: 22), at: at + Time.minute, seconds: 60, cost: MonitorRule.money(2)).reported
        }
        #expect(reported == [
            Reported("account", .warning, .account(1), figure: 18_000_000, threshold: 10_000_000),
            // One fact: the switch's findings come before the account's.
            Reported("switch", .warning, .global, figure: 31_000_000, threshold: 30_000_000),
            Reported("account", .critical, .account(1), figure: 27_000_000, threshold: 25_000_000, action: .blockAccount),
        ])
        #expect(monitor.figure(.spend(.day), scope: .account(2), now: Time.monday + 3 * Time.hour) == 6_000_000)
        #expect(monitor.figure(.spend(.day), scope: .global, now: Time.monday + 3 * Time.hour) == 33_000_000)
    }

    @Test("Calls per minute count attempts, answered or not")
    func callsPerMinute() {
        var monitor = FraudMonitor(rules: [Sample.rule("cpm", .callsPerMinute, scope: .eachDevice, warning: 3)])
        _ = monitor.start(Sample.call("1"), at: Time.monday)
        _ = monitor.end(Sample.call("1"), at: Time.monday + 1)
        _ = monitor.place(Sample.call("2"), at: Time.monday + 2, seconds: 20)
        let third = monitor.start(Sample.call("3"), at: Time.monday + 3)
        #expect(third.reported == [Reported("cpm", .warning, .device(7), figure: 3, threshold: 3)])
        #expect(monitor.figure(.callsPerMinute, scope: .account(42), now: Time.monday + 3) == 0)
    }

    @Test("Call minutes per period are billable seconds of ended calls")
    func callSeconds() {
        let rule = Sample.rule("minutes", .callSeconds(.hour), warning: MonitorRule.minutes(10))
        var monitor = FraudMonitor(rules: [rule])
        #expect(monitor.place(Sample.call("1"), at: Time.monday, seconds: 299).isEmpty)
        // Still ringing or talking: nothing yet.
        _ = monitor.start(Sample.call("2"), at: Time.monday + 5 * Time.minute)
        #expect(monitor.figure(.callSeconds(.hour), scope: .account(42), now: Time.monday + 6 * Time.minute) == 299)
        let end = monitor.end(Sample.call("2"), at: Time.monday + 10 * Time.minute, seconds: 301)
        #expect(end.reported == [Reported("minutes", .warning, .account(42), figure: 600, threshold: 600)])
        #expect(end.first.map { MonitorUnit.seconds.format($0.figure) } == "10 min")
    }

    @Test("Distinct numbers: a number called again counts once, and stays while it is called")
    func distinctNumbers() {
        var monitor = FraudMonitor(rules: [Sample.rule("numbers", .distinctNumbers(.hour), warning: 3)])
        var reported: [Reported] = []
        for (index, number) in ["+441", "+442", "+441", "+441", "+443"].enumerated() {
            reported += monitor.start(Sample.call("c\(index)", number: number), at: Time.monday + Int64(index) * 20 * Time.minute).reported
        }
        // +441 at 0, 40 and 60 min, +442 at 20, +443 at 80 min: three different ones within
        // the hour at 80 min (+442 is still in: it leaves at 81 min).
        #expect(reported == [Reported("numbers", .warning, .account(42), figure: 3, threshold: 3)])
        #expect(monitor.figure(.distinctNumbers(.hour), scope: .account(42), now: Time.monday + 81 * Time.minute) == 2)
        // The last call to +441 was at 60 min: it leaves at 121 min, +443 at 141.
        #expect(monitor.figure(.distinctNumbers(.hour), scope: .account(42), now: Time.monday + 121 * Time.minute) == 1)
        #expect(monitor.figure(.distinctNumbers(.hour), scope: .account(42), now: Time.monday + 141 * Time.minute) == 0)
        // Calls without a number (internal ones) count for nothing here.
        _ = monitor.start(Sample.call("internal", number: nil), at: Time.monday + 142 * Time.minute)
        #expect(monitor.figure(.distinctNumbers(.hour), scope: .account(42), now: Time.monday + 142 * Time.minute) == 0)
    }

    @Test("Risky destinations count only calls the prefix list marks")
    func riskyDestinations() {
        var monitor = FraudMonitor(rules: [Sample.rule("risky", .riskyDestinations(.hour), warning: 1, critical: 2)])
        #expect(monitor.start(Sample.call("safe"), at: Time.monday).isEmpty)
        let first = monitor.start(Sample.call("sat", number: "+8816123", country: "881", risky: true), at: Time.monday + 1)
        let second = monitor.start(Sample.call("prem", number: "+4490012", country: "GB", risky: true), at: Time.monday + 2)
        #expect(first.reported == [Reported("risky", .warning, .account(42), figure: 1, threshold: 1)])
        #expect(second.reported == [Reported("risky", .critical, .account(42), figure: 2, threshold: 2, action: .blockAccount)])
    }

    @Test("New countries: each first call within the history is reported, repeat calls are not, and the count escalates")
    func newCountries() {
        let rule = Sample.rule("country", .newCountries(.day, historyDays: 90), warning: 1, critical: 3)
        var monitor = FraudMonitor(rules: [rule])
        func call(_ id: String, _ country: String, at: Int64) -> [Reported] {
            monitor.start(Sample.call(id, country: country), at: at).reported
        }
        #expect(call("1", "GB", at: Time.monday) == [Reported("country", .warning, .account(42), figure: 1, threshold: 1)])
        #expect(call("2", "GB", at: Time.monday + Time.hour).isEmpty)
        #expect(call("3", "FR", at: Time.monday + 2 * Time.hour) == [Reported("country", .warning, .account(42), figure: 2, threshold: 1)])
        #expect(call("4", "882", at: Time.monday + 3 * Time.hour) == [
            Reported("country", .critical, .account(42), figure: 3, threshold: 3, action: .blockAccount)
        ])
        // Two days on, the day's count is back to 0 but the history remembers: GB is known.
        #expect(call("5", "GB", at: Time.monday + 2 * Time.day).isEmpty)
        #expect(call("6", "DE", at: Time.monday + 2 * Time.day + 1) == [Reported("country", .warning, .account(42), figure: 1, threshold: 1)])
        // FR was last called at 2 h on Monday: a millisecond short of 90 days later it is
        // still known (and that call renews it); 90 days after the renewal it is new again.
        let renewed = Time.monday + 2 * Time.hour + 90 * Time.day - 1
        #expect(call("7", "FR", at: renewed).isEmpty)
        #expect(call("8", "FR", at: renewed + 90 * Time.day) == [Reported("country", .warning, .account(42), figure: 1, threshold: 1)])
    }

    @Test("Calls outside the allowed hours, in the configured offset and weekdays")
    func outsideHours() {
        // 08:00 to 18:00 in UTC+1, Monday to Friday.
        let hours = AllowedHours(from: 8, to: 18, utcOffsetMinutes: 60, weekdays: AllowedHours.Weekday.workingDays)
        var monitor = FraudMonitor(rules: [Sample.rule("night", .outsideHours(hours, .day), warning: 1, critical: 3)])
        // 07:00 UTC is 08:00 local: allowed; 16:59 UTC is 17:59: allowed; 17:00 UTC is 18:00: not.
        #expect(monitor.start(Sample.call("1"), at: Time.monday + 7 * Time.hour).isEmpty)
        #expect(monitor.start(Sample.call("2"), at: Time.monday + 16 * Time.hour + 59 * Time.minute).isEmpty)
        #expect(monitor.start(Sample.call("3"), at: Time.monday + 17 * Time.hour).reported == [
            Reported("night", .warning, .account(42), figure: 1, threshold: 1)
        ])
        // Saturday noon.
        _ = monitor.start(Sample.call("4"), at: Time.monday + 5 * Time.day + 11 * Time.hour)
        #expect(monitor.figure(.outsideHours(hours, .day), scope: .account(42), now: Time.monday + 5 * Time.day + 11 * Time.hour) == 1)
    }

    @Test("Concurrent calls count ringing calls too, per account and for the switch")
    func concurrentCalls() {
        var monitor = FraudMonitor(rules: [
            Sample.rule("account", .concurrentCalls, warning: 2),
            Sample.rule("switch", .concurrentCalls, scope: .global, warning: 3),
        ])
        _ = monitor.start(Sample.call("1", account: 1), at: Time.monday)
        let second = monitor.start(Sample.call("2", account: 1), at: Time.monday + 1)
        let third = monitor.start(Sample.call("3", account: 2), at: Time.monday + 2)
        #expect(second.reported == [Reported("account", .warning, .account(1), figure: 2, threshold: 2)])
        #expect(third.reported == [Reported("switch", .warning, .global, figure: 3, threshold: 3)])
    }

    @Test("A rule for one account stands in for the general rule of the same kind; other kinds still apply")
    func particularRuleOverridesGeneral() {
        var monitor = FraudMonitor(rules: [
            Sample.rule("general", .spend(.hour), warning: MonitorRule.money(10)),
            Sample.rule("call-centre", .spend(.hour), scope: .account(42), warning: MonitorRule.money(100)),
            Sample.rule("general-calls", .calls(.hour), warning: 1),
        ])
        let centre = monitor.place(Sample.call("a", account: 42), at: Time.monday, seconds: 60, cost: MonitorRule.money(20))
        let other = monitor.place(Sample.call("b", account: 43), at: Time.monday, seconds: 60, cost: MonitorRule.money(20))
        #expect(centre.reported.map(\.rule) == ["general-calls"])
        #expect(other.reported.map(\.rule) == ["general-calls", "general"])
        let big = monitor.place(Sample.call("c", account: 42), at: Time.monday + Time.minute, seconds: 60, cost: MonitorRule.money(80))
        #expect(big.reported == [Reported("call-centre", .warning, .account(42), figure: 100_000_000, threshold: 100_000_000)])
    }

    @Test("A device's finding names its account, the one a block applies to, and the calls behind it")
    func deviceFindingCarriesContext() throws {
        var monitor = FraudMonitor(rules: [
            Sample.rule("cpm", .callsPerMinute, scope: .eachDevice, critical: 2, criticalAction: .blockAccountAndHangUp, blockMillis: Time.hour)
        ])
        _ = monitor.start(Sample.call("1", number: "+8821", country: "882", sourceIP: "203.0.113.5"), at: Time.monday)
        let findings = monitor.start(Sample.call("2", number: "+8822", country: "882", sourceIP: "203.0.113.6"), at: Time.monday + 1)
        let finding = try #require(findings.first)
        #expect(finding.context == FraudContext(
            callID: "2", accountId: 42, deviceId: 7, numbers: ["+8822", "+8821"], countries: ["882"], sourceIPs: ["203.0.113.6", "203.0.113.5"]))
        #expect(finding.accountToBlock == 42)
        #expect(finding.action.hangsUpCalls)
        #expect(finding.blockedUntil == Time.monday + 1 + Time.hour)
        #expect(finding.at == Time.monday + 1)
    }
}
