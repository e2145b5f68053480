import Foundation
import SIPWarden
import Testing

/// The buckets every report is cut into, and the rounding of its figures.
@Suite("Reports: periods, buckets and rounding")
struct ReportPeriodTests {
    let date = ReportFixtures.date

    @Test("a bucket holds its hour: 10:59:59.999 is in 10:00, 11:00:00.000 in 11:00; to is excluded, from included")
    func hourEdges() throws {
        let period = try ReportFixtures.period()
        #expect(period.bucketStarts == [date("2026-11-22T10:00:00.000Z"), date("2026-11-22T11:00:00.000Z")])
        #expect(period.bucketIndex(of: date("2026-11-22T10:00:00.000Z")) == 0)
        #expect(period.bucketIndex(of: date("2026-11-22T10:59:59.999Z")) == 0)
        #expect(period.bucketIndex(of: date("2026-11-22T11:00:00.000Z")) == 1)
        #expect(period.bucketIndex(of: date("2026-11-22T11:59:59.999Z")) == 1)
        #expect(period.bucketIndex(of: date("2026-11-22T12:00:00.000Z")) == nil)
        #expect(period.bucketIndex(of: date("2026-11-22T09:59:59.999Z")) == nil)
    }

    @Test("days are UTC days; a period off the edges has partial first and last buckets, labelled by their start")
    func daysAndPartialBuckets() throws {
        let days = try ReportPeriod(from: date("2026-11-22T00:00:00.000Z"), to: date("2026-11-25T00:00:00.000Z"), by: .day)
        #expect(days.bucketStarts.map { $0.formatted(.iso8601) } == ["2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z"])
        #expect(days.bucketIndex(of: date("2026-11-23T23:59:59.999Z")) == 1)
        #expect(days.bucketIndex(of: date("2026-11-24T00:00:00.000Z")) == 2)

        let partial = try ReportPeriod(from: date("2026-11-22T10:30:00.000Z"), to: date("2026-11-22T12:15:00.000Z"), by: .hour)
        #expect(partial.bucketStarts.map { $0.formatted(.iso8601) } == ["2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z", "2026-11-22T12:00:00Z"])
        #expect(partial.bucketIndex(of: date("2026-11-22T10:29:59.999Z")) == nil, "before from, though in the first bucket's hour")
        #expect(partial.bucketIndex(of: date("2026-11-22T12:14:59.999Z")) == 2)

        let shortDay = try ReportPeriod(from: date("2026-11-22T10:00:00.000Z"), to: date("2026-11-22T11:00:00.000Z"), by: .day)
        #expect(shortDay.bucketStarts == [date("2026-11-22T00:00:00.000Z")])
    }

    @Test("366 days is the longest period (8784 hours); to must be after from")
    func limits() throws {
        let start = date("2024-01-01T00:00:00.000Z")
        let year = try ReportPeriod(from: start, to: start.addingTimeInterval(366 * 86_400), by: .hour)
        #expect(year.bucketStarts.count == 8_784)
        #expect(year.bucketStarts.last == date("2024-12-31T23:00:00.000Z"))
        #expect(throws: ReportPeriod.Problem.tooLong) {
            try ReportPeriod(from: start, to: start.addingTimeInterval(366 * 86_400 + 0.001), by: .day)
        }
        #expect(throws: ReportPeriod.Problem.empty) { try ReportPeriod(from: start, to: start, by: .hour) }
        #expect(throws: ReportPeriod.Problem.empty) { try ReportPeriod(from: start, to: start.addingTimeInterval(-1), by: .hour) }
    }

    @Test("ratios round half up, keep their decimals, and have no value over zero")
    func decimals() {
        #expect(ReportDecimal.ratio(1, 3, places: 1)?.description == "0.3")
        #expect(ReportDecimal.ratio(2, 3, places: 1)?.description == "0.7")
        #expect(ReportDecimal.ratio(2_125, 1_000, places: 2)?.description == "2.13", "half up, not to even")
        #expect(ReportDecimal.ratio(600_000, 60_000, places: 2)?.description == "10.00")
        #expect(ReportDecimal.ratio(-1, 2, places: 0)?.description == "-1")
        #expect(ReportDecimal.ratio(-5, 100, places: 1)?.description == "-0.1")
        #expect(ReportDecimal.ratio(5, 0, places: 1) == nil)
        #expect(ReportDecimal.ratio(4_333, 1_000, places: 1)?.doubleValue == 4.3)
    }
}
