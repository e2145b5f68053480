public import Foundation
public import Storage

/// `report cost`: calls answered, billable minutes and cost per bucket, per account (with its
/// own buckets) and for the period, from the call records' charges.
public struct CostReport: Sendable, Equatable {
    public struct Bucket: Sendable, Equatable {
        public let start: Date
        public var figures: CostFigures

        public init(start: Date, figures: CostFigures = CostFigures()) {
            self.start = start
            self.figures = figures
        }
    }

    /// An account's charges: its total and the buckets in which it had any.
    public struct Account: Sendable, Equatable {
        /// As `CallRecord.reportAccount` names it: `(none)` for calls without an account.
        public let name: String
        /// Only the buckets with an answered call, billable time or a cost, oldest first: an
        /// account's quiet hours would fill a month's report with zeros.
        public var buckets: [Bucket]
        public var total: CostFigures

        public init(name: String, buckets: [Bucket], total: CostFigures) {
            self.name = name
            self.buckets = buckets
            self.total = total
        }
    }

    public let period: ReportPeriod
    /// Every bucket of the period, all accounts together, oldest first, empty ones included.
    public var buckets: [Bucket]
    /// The accounts with an answered call, billable time or a cost, highest cost first, then
    /// by name.
    public var byAccount: [Account]
    public var total: CostFigures

    /// The report of `records`: those of the period whose caller is identified (an
    /// unidentified caller is never charged); any other is left out.
    public init(period: ReportPeriod, accountNames: [Int64: String], records: some Sequence<CallRecord>) {
        var accumulator = Accumulator(period: period, accountNames: accountNames)
        for record in records { accumulator.add(record) }
        self = accumulator.report()
    }

    init(period: ReportPeriod, buckets: [Bucket], byAccount: [Account], total: CostFigures) {
        self.period = period
        self.buckets = buckets
        self.byAccount = byAccount
        self.total = total
    }

    /// Builds the report one record at a time, for records read from a cursor.
    public struct Accumulator: Sendable {
        public let period: ReportPeriod
        public let accountNames: [Int64: String]
        private var buckets: [CostFigures]
        /// Per account, per bucket index.
        private var accounts: [String: [Int: CostFigures]] = [:]
        private var total = CostFigures()

        public init(period: ReportPeriod, accountNames: [Int64: String]) {
            self.period = period
            self.accountNames = accountNames
            buckets = Array(repeating: CostFigures(), count: period.bucketStarts.count)
        }

        /// Counts `record` when it is a call (`isReportedCall`) started in the period.
        public mutating func add(_ record: CallRecord) {
            guard record.isReportedCall, let index = period.bucketIndex(of: record.startedAt) else { return }
            buckets[index].count(record)
            accounts[record.reportAccount(names: accountNames), default: [:]][index, default: CostFigures()].count(record)
            total.count(record)
        }

        public func report() -> CostReport {
            let accounts = self.accounts.compactMap { name, cells -> Account? in
                let buckets = cells.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
                    .map { Bucket(start: period.bucketStarts[$0.key], figures: $0.value) }
                guard !buckets.isEmpty else { return nil }
                var total = CostFigures()
                for bucket in buckets {
                    total.answered += bucket.figures.answered
                    total.billableSeconds += bucket.figures.billableSeconds
                    total.costMicros += bucket.figures.costMicros
                }
                return Account(name: name, buckets: buckets, total: total)
            }
            return CostReport(
                period: period, buckets: zip(period.bucketStarts, buckets).map { Bucket(start: $0, figures: $1) },
                byAccount: accounts.sorted { ($0.total.costMicros, $1.name) > ($1.total.costMicros, $0.name) }, total: total)
        }
    }
}
