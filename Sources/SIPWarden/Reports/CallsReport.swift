public import Foundation
public import Storage

/// `report calls`: how many calls were tried, rang and were answered, for how long, per
/// bucket of the period, per provider and per account. Computed from call records alone (no
/// database, no clock), so the console can draw the same figures the command line prints.
public struct CallsReport: Sendable, Equatable {
    public struct Bucket: Sendable, Equatable {
        public let start: Date
        public var figures: CallFigures

        public init(start: Date, figures: CallFigures = CallFigures()) {
            self.start = start
            self.figures = figures
        }
    }

    /// A provider's or an account's figures over the whole period.
    public struct Group: Sendable, Equatable {
        public let name: String
        public var figures: CallFigures

        public init(name: String, figures: CallFigures = CallFigures()) {
            self.name = name
            self.figures = figures
        }
    }

    public let period: ReportPeriod
    /// Every bucket of the period, oldest first, empty ones included.
    public var buckets: [Bucket]
    /// The providers with at least one attempt, most attempts first, then by name (see
    /// `CallRecord.reportProvider`).
    public var byProvider: [Group]
    /// The accounts with at least one attempt, in the same order (`CallRecord.reportAccount`).
    public var byAccount: [Group]
    public var total: CallFigures

    /// The report of `records`: those of the period whose caller is identified; any other
    /// is left out.
    public init(period: ReportPeriod, accountNames: [Int64: String], records: some Sequence<CallRecord>) {
        var accumulator = Accumulator(period: period, accountNames: accountNames)
        for record in records { accumulator.add(record) }
        self = accumulator.report()
    }

    init(period: ReportPeriod, buckets: [Bucket], byProvider: [Group], byAccount: [Group], total: CallFigures) {
        self.period = period
        self.buckets = buckets
        self.byProvider = byProvider
        self.byAccount = byAccount
        self.total = total
    }

    /// Builds the report one record at a time, for a period whose records are read from a
    /// cursor rather than held in memory.
    public struct Accumulator: Sendable {
        public let period: ReportPeriod
        /// Account names by id, as they are now.
        public let accountNames: [Int64: String]
        private var buckets: [CallFigures]
        private var providers: [String: CallFigures] = [:]
        private var accounts: [String: CallFigures] = [:]
        private var total = CallFigures()

        public init(period: ReportPeriod, accountNames: [Int64: String]) {
            self.period = period
            self.accountNames = accountNames
            buckets = Array(repeating: CallFigures(), count: period.bucketStarts.count)
        }

        /// Counts `record` when it is a call (`isReportedCall`) started in the period.
        public mutating func add(_ record: CallRecord) {
            guard record.isReportedCall, let index = period.bucketIndex(of: record.startedAt) else { return }
            buckets[index].count(record)
            providers[record.reportProvider, default: CallFigures()].count(record)
            accounts[record.reportAccount(names: accountNames), default: CallFigures()].count(record)
            total.count(record)
        }

        public func report() -> CallsReport {
            CallsReport(
                period: period,
                buckets: zip(period.bucketStarts, buckets).map { Bucket(start: $0, figures: $1) },
                byProvider: Self.groups(providers), byAccount: Self.groups(accounts), total: total)
        }

        private static func groups(_ figures: [String: CallFigures]) -> [Group] {
            figures.map { Group(name: $0.key, figures: $0.value) }.sorted {
                ($0.figures.attempts, $1.name) > ($1.figures.attempts, $0.name)
            }
        }
    }
}
