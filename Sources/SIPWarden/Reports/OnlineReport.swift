public import Foundation
public import Storage

/// `report online`: devices online per bucket (fewest, most, average) and the most bindings,
/// from the online samples of the period.
public struct OnlineReport: Sendable, Equatable {
    public struct Bucket: Sendable, Equatable {
        public let start: Date
        public var figures: OnlineFigures

        public init(start: Date, figures: OnlineFigures = OnlineFigures()) {
            self.start = start
            self.figures = figures
        }
    }

    public let period: ReportPeriod
    /// Every bucket of the period, oldest first, those without samples included.
    public var buckets: [Bucket]
    public var total: OnlineFigures

    /// The report of the `samples` taken in the period; any other is left out.
    public init(period: ReportPeriod, samples: some Sequence<OnlineSample>) {
        self.period = period
        var buckets = period.bucketStarts.map { Bucket(start: $0) }
        var total = OnlineFigures()
        for sample in samples {
            guard let index = period.bucketIndex(of: sample.at) else { continue }
            buckets[index].figures.count(sample)
            total.count(sample)
        }
        self.buckets = buckets
        self.total = total
    }
}
