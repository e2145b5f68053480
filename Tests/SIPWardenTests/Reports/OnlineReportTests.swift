import Foundation
import SIPWarden
import Storage
import Testing

/// `report online` computed from hand-made samples (`ReportFixtures.samples`).
@Suite("Reports: devices online")
struct OnlineReportTests {
    @Test("fewest, most and average devices and most bindings per bucket; a bucket without samples has no figures")
    func buckets() throws {
        let report = OnlineReport(period: try ReportFixtures.period(), samples: ReportFixtures.samples)
        let first = report.buckets[0].figures
        #expect(first.samples == 3 && first.minimumDevices == 3 && first.maximumDevices == 5 && first.maximumBindings == 7)
        #expect(first.averageDevices?.description == "4.3", "13 / 3")
        let second = report.buckets[1].figures
        #expect(second == OnlineFigures(), "the sample at 12:00 is outside the period")
        #expect(second.averageDevices == nil && second.minimumDevices == nil && second.maximumBindings == nil)
        #expect(report.total == first)
    }

    @Test("by day, the samples of the day together")
    func days() throws {
        let period = try ReportPeriod(from: ReportFixtures.date("2026-11-22T00:00:00.000Z"), to: ReportFixtures.date("2026-11-23T00:00:00.000Z"), by: .day)
        let report = OnlineReport(period: period, samples: ReportFixtures.samples)
        #expect(report.buckets.count == 1)
        #expect(report.total.samples == 4 && report.total.maximumDevices == 50 && report.total.maximumBindings == 90)
        #expect(report.total.averageDevices?.description == "15.8", "63 / 4 = 15.75")
    }
}
