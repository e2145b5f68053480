import Foundation
import SIPWarden
import Storage
import Testing

/// `report calls` computed from hand-made records (`ReportFixtures.calls`).
@Suite("Reports: calls")
struct CallsReportTests {
    static func report() throws -> CallsReport {
        CallsReport(period: try ReportFixtures.period(), accountNames: ReportFixtures.accountNames, records: ReportFixtures.calls)
    }

    /// attempts, ringing, answered, ASR, ACD, minutes, average minutes.
    static func row(_ figures: CallFigures) -> [String] {
        [
            String(figures.attempts), String(figures.ringing), String(figures.answered), ReportDecimal.text(figures.asr),
            ReportDecimal.text(figures.acdSeconds), figures.totalMinutes.description, ReportDecimal.text(figures.averageMinutes),
        ]
    }

    @Test("10 attempts, 7 ringing, 5 answered for 60+120+30+90+300 s: ASR 50.0, ACD 120.0, 10.00 minutes, 2.00 each")
    func total() throws {
        let total = try Self.report().total
        #expect(total == CallFigures(attempts: 10, ringing: 7, answered: 5, answeredMillis: 600_000))
        #expect(Self.row(total) == ["10", "7", "5", "50.0", "120.0", "10.00", "2.00"])
    }

    @Test("each call in the bucket it started in: 10:59:59.999 in 10:00, 11:00:00.000 in 11:00")
    func buckets() throws {
        let report = try Self.report()
        #expect(report.buckets.map(\.start) == [ReportFixtures.date("2026-11-22T10:00:00.000Z"), ReportFixtures.date("2026-11-22T11:00:00.000Z")])
        // 60+120+30 s over 3; 90+300 s over 2.
        #expect(Self.row(report.buckets[0].figures) == ["5", "4", "3", "60.0", "70.0", "3.50", "1.17"])
        #expect(Self.row(report.buckets[1].figures) == ["5", "3", "2", "40.0", "195.0", "6.50", "3.25"])
    }

    @Test("unidentified callers, calls at to and before from are not counted")
    func exclusions() throws {
        let period = try ReportFixtures.period()
        let refused = ReportFixtures.call("10:20:00.000", caller: "unidentified", callerName: nil, account: nil, to: "none", answeredSeconds: 5)
        let report = CallsReport(period: period, accountNames: [:], records: [refused])
        #expect(report.total == CallFigures())
        #expect(report.byProvider.isEmpty && report.byAccount.isEmpty)
        #expect(!refused.isReportedCall)
        let edges = CallsReport(period: period, accountNames: [:], records: [
            ReportFixtures.call("12:00:00.000", answeredSeconds: 5), ReportFixtures.call("09:59:59.999", answeredSeconds: 5),
        ])
        #expect(edges.total == CallFigures())
    }

    @Test("empty buckets are listed with zeros and no ratios")
    func emptyBuckets() throws {
        let report = CallsReport(
            period: try ReportPeriod(from: ReportFixtures.from, to: ReportFixtures.date("2026-11-22T14:00:00.000Z"), by: .hour),
            accountNames: ReportFixtures.accountNames, records: ReportFixtures.calls)
        #expect(report.buckets.count == 4)
        #expect(Self.row(report.buckets[2].figures) == ["1", "1", "1", "100.0", "1000.0", "16.67", "16.67"], "12:00 is in this period")
        #expect(Self.row(report.buckets[3].figures) == ["0", "0", "0", "-", "-", "0.00", "-"])
    }

    @Test("by provider: the destination, else the last tried, else (none); a provider's incoming calls; (local)")
    func byProvider() throws {
        let groups = try Self.report().byProvider
        #expect(groups.map(\.name) == ["carrier", "(local)", "(none)", "backup"], "most attempts first, then by name")
        // carrier: records 1, 2, 5 (in), 7, 10; answered 60+120+300 s.
        #expect(Self.row(groups[0].figures) == ["5", "3", "3", "60.0", "160.0", "8.00", "2.67"])
        // (local): 3, 6, 9; answered 30+90 s.
        #expect(Self.row(groups[1].figures) == ["3", "3", "2", "66.7", "60.0", "2.00", "1.00"])
        #expect(Self.row(groups[2].figures) == ["1", "0", "0", "0.0", "-", "0.00", "-"])
        #expect(Self.row(groups[3].figures) == ["1", "1", "0", "0.0", "-", "0.00", "-"])
    }

    @Test("by account: its name now, #ID once removed, (none) without one")
    func byAccount() throws {
        let groups = try Self.report().byAccount
        #expect(groups.map(\.name) == ["acme", "(none)", "globex", "#99"])
        // acme: 1, 2, 3, 7, 9; answered 60+120+30+300 = 510 s: 2.125 minutes each, rounded up.
        #expect(Self.row(groups[0].figures) == ["5", "5", "4", "80.0", "127.5", "8.50", "2.13"])
        // (none): 5 (from a provider), 6 (a guest, 90 s).
        #expect(Self.row(groups[1].figures) == ["2", "1", "1", "50.0", "90.0", "1.50", "1.50"])
        #expect(Self.row(groups[2].figures) == ["2", "1", "0", "0.0", "-", "0.00", "-"])
        #expect(Self.row(groups[3].figures) == ["1", "0", "0", "0.0", "-", "0.00", "-"])
    }

    @Test("the accumulator fed one record at a time gives the same report")
    func accumulator() throws {
        var accumulator = CallsReport.Accumulator(period: try ReportFixtures.period(), accountNames: ReportFixtures.accountNames)
        for record in ReportFixtures.calls.reversed() { accumulator.add(record) }
        #expect(accumulator.report() == (try Self.report()))
    }
}
