public import Foundation

/// How finely a report cuts its period: UTC hours or UTC days.
public enum ReportGranularity: String, Sendable, Equatable, CaseIterable {
    case hour, day

    /// A bucket's length. UTC has no daylight saving time and Unix time no leap seconds
    /// (POSIX.1-2017 §4.16), so every UTC hour is 3600 s and every UTC day 86400 s: a bucket
    /// is plain arithmetic on `timeIntervalSince1970`, with no calendar involved.
    public var seconds: TimeInterval {
        switch self {
        case .hour: return 3_600
        case .day: return 86_400
        }
    }
}

/// The period a report covers, `from` included and `to` excluded (as `cdr list` reads them),
/// cut into UTC hours or days. Every bucket of the period is listed, empty or not, so that a
/// chart drawn from a report has no gaps; the first and last may be partial when `from` or
/// `to` is not on a bucket's edge.
public struct ReportPeriod: Sendable, Equatable {
    /// A year and a leap day: a report covers at most this many days (8784 hourly buckets).
    public static let maximumDays = 366

    public let from: Date
    public let to: Date
    public let granularity: ReportGranularity
    /// The start of each bucket, oldest first: the UTC hour or day of `from`, then one per
    /// hour or day up to the one holding the last instant before `to`.
    public let bucketStarts: [Date]

    /// Why a period cannot be reported on.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// `to` is not after `from`.
        case empty
        /// Longer than `maximumDays`.
        case tooLong

        public var description: String {
            switch self {
            case .empty: return "the period must end after it starts"
            case .tooLong: return "the period is longer than \(ReportPeriod.maximumDays) days"
            }
        }
    }

    public init(from: Date, to: Date, by granularity: ReportGranularity) throws(Problem) {
        guard to > from else { throw .empty }
        guard to.timeIntervalSince(from) <= TimeInterval(Self.maximumDays) * 86_400 else { throw .tooLong }
        self.from = from
        self.to = to
        self.granularity = granularity
        let size = granularity.seconds
        let first = Self.bucketStart(from.timeIntervalSince1970, size: size)
        let count = Int(((to.timeIntervalSince1970 - first) / size).rounded(.up))
        bucketStarts = (0..<max(count, 1)).map { Date(timeIntervalSince1970: first + Double($0) * size) }
    }

    /// The bucket holding `date`; nil outside the period (before `from`, at `to` or later).
    public func bucketIndex(of date: Date) -> Int? {
        guard date >= from, date < to, let first = bucketStarts.first else { return nil }
        let index = Int(((date.timeIntervalSince1970 - first.timeIntervalSince1970) / granularity.seconds).rounded(.down))
        return min(max(index, 0), bucketStarts.count - 1)
    }

    /// `time` (seconds since 1970) truncated to its hour or day: 10:59:59.999 → 10:00.
    static func bucketStart(_ time: TimeInterval, size: TimeInterval) -> TimeInterval {
        (time / size).rounded(.down) * size
    }
}
