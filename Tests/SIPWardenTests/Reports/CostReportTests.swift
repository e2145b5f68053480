import Foundation
import SIPWarden
import Storage
import Testing

/// `report cost` computed from hand-made records (`ReportFixtures.calls`).
@Suite("Reports: cost")
struct CostReportTests {
    static func report() throws -> CostReport {
        CostReport(period: try ReportFixtures.period(), accountNames: ReportFixtures.accountNames, records: ReportFixtures.calls)
    }

    /// answered, billable minutes, cost.
    static func row(_ figures: CostFigures) -> [String] {
        [String(figures.answered), figures.billableMinutes.description, MoneyAmount.format(micros: figures.costMicros)]
    }

    @Test("per bucket and in total: answered calls, billable minutes, cost; unidentified and out-of-period records left out")
    func buckets() throws {
        let report = try Self.report()
        #expect(report.buckets.map { Self.row($0.figures) } == [["3", "3.08", "0.30"], ["2", "5.00", "1.25"]], "185 s, 300 s")
        #expect(Self.row(report.total) == ["5", "8.08", "1.55"])
        #expect(report.total == CostFigures(answered: 5, billableSeconds: 485, costMicros: 1_550_000))
    }

    @Test("per account: the buckets with charges and a total, highest cost first; accounts without any left out")
    func byAccount() throws {
        let accounts = try Self.report().byAccount
        #expect(accounts.map(\.name) == ["acme", "(none)"])
        #expect(accounts[0].buckets.map { Self.row($0.figures) } == [["3", "3.08", "0.30"], ["1", "5.00", "1.25"]])
        #expect(Self.row(accounts[0].total) == ["4", "8.08", "1.55"])
        #expect(accounts[1].buckets.map(\.start) == [ReportFixtures.date("2026-11-22T11:00:00.000Z")], "the guest's answered call")
        #expect(Self.row(accounts[1].total) == ["1", "0.00", "0.00"])
    }
}
