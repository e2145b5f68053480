import Fraud
import Testing

/// The default rule set, as its documentation table states it.
@Suite("Default rules")
struct DefaultRulesTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var kind: MonitorKind
        var scope: MonitorScope
        var warning: MonitorThreshold?
        var critical: MonitorThreshold?

        var testDescription: String { name }
    }

    static let table: [Row] = [
        Row(name: "account-spend-hour", kind: .spend(.hour), scope: .eachAccount, warning: .init(20_000_000), critical: .init(50_000_000, .blockAccount)),
        Row(name: "account-spend-day", kind: .spend(.day), scope: .eachAccount, warning: .init(100_000_000), critical: .init(200_000_000, .blockAccount)),
        Row(name: "account-spend-month", kind: .spend(.month), scope: .eachAccount, warning: .init(1_000_000_000)),
        Row(name: "device-calls-per-minute", kind: .calls(.minute), scope: .eachDevice, warning: .init(10), critical: .init(30, .blockAccountAndHangUp)),
        Row(name: "account-concurrent-calls", kind: .concurrentCalls, scope: .eachAccount, warning: .init(10), critical: .init(30, .blockAccountAndHangUp)),
        Row(name: "account-risky-destinations-hour", kind: .riskyDestinations(.hour), scope: .eachAccount, warning: .init(1), critical: .init(5, .blockAccount)),
        Row(name: "account-distinct-numbers-hour", kind: .distinctNumbers(.hour), scope: .eachAccount, warning: .init(30), critical: .init(100, .blockAccount)),
        Row(name: "account-new-country", kind: .newCountries(.day, historyDays: 90), scope: .eachAccount, warning: .init(1)),
        Row(name: "account-call-minutes-day", kind: .callSeconds(.day), scope: .eachAccount, warning: .init(90_000)),
        Row(name: "switch-spend-hour", kind: .spend(.hour), scope: .global, warning: .init(200_000_000), critical: .init(1_000_000_000)),
        Row(name: "switch-calls-per-minute", kind: .calls(.minute), scope: .global, warning: .init(300)),
    ]

    @Test("The defaults are the documented table, in its order")
    func names() {
        #expect(MonitorRule.defaults.map(\.name) == Self.table.map(\.name))
        #expect(Set(MonitorRule.defaults.map(\.name)).count == MonitorRule.defaults.count)
        #expect(FraudMonitor().rules == MonitorRule.defaults)
    }

    @Test("Each default rule's figures", arguments: table)
    func figures(_ row: Row) throws {
        let rule = try #require(MonitorRule.defaults.first { $0.name == row.name })
        #expect(rule.kind == row.kind)
        #expect(rule.scope == row.scope)
        #expect(rule.warning == row.warning)
        #expect(rule.critical == row.critical)
        // Blocks wait for an operator; warnings only alert; the switch's rules never block.
        #expect(rule.blockMillis == nil)
        #expect(rule.warning?.action ?? .alert == .alert)
        if rule.scope == .global { #expect(rule.critical?.action ?? .alert == .alert) }
    }

    @Test("Money and minutes helpers")
    func helpers() {
        #expect(MonitorRule.money(20) == 20_000_000)
        #expect(MonitorRule.money(0, cents: 5) == 50_000)
        #expect(MonitorRule.minutes(1500) == 90_000)
        #expect(MonitorThreshold(0).figure == 1)
        #expect(MonitorThreshold(-5).figure == 1)
    }

    @Test("Figures read as operators write them", arguments: [
        (MonitorUnit.micros, Int64(52_300_000), "52.30"),
        (.micros, 150, "0.00015"),
        (.micros, 0, "0.00"),
        (.micros, 1_000_000_000, "1000.00"),
        (.calls, 1, "1 call"),
        (.calls, 12, "12 calls"),
        (.seconds, 45, "45 s"),
        (.seconds, 5_705, "95 min 5 s"),
        (.numbers, 30, "30 numbers"),
        (.countries, 1, "1 country"),
        (.countries, 3, "3 countries"),
    ])
    func units(_ unit: MonitorUnit, _ figure: Int64, _ text: String) {
        #expect(unit.format(figure) == text)
    }
}
