public import Storage

/// What the calls of a bucket, an account or a period were charged: the sums the call records
/// carry, as the switch's rating wrote them (after each rate's minimum and increment).
public struct CostFigures: Sendable, Equatable {
    /// Calls answered.
    public var answered: Int
    public var billableSeconds: Int64
    /// Millionths of the currency unit (see `MoneyAmount`).
    public var costMicros: Int64

    public init(answered: Int = 0, billableSeconds: Int64 = 0, costMicros: Int64 = 0) {
        self.answered = answered
        self.billableSeconds = billableSeconds
        self.costMicros = costMicros
    }

    /// Adds `record`'s charge; the caller has checked `isReportedCall`.
    public mutating func count(_ record: CallRecord) {
        if record.answeredAt != nil { answered += 1 }
        billableSeconds += Int64(record.billableSeconds)
        costMicros += record.costMicros
    }

    /// Billable seconds / 60, two decimals.
    public var billableMinutes: ReportDecimal { ReportDecimal.ratio(billableSeconds, 60, places: 2) ?? ReportDecimal(units: 0, places: 2) }

    /// Nothing answered, billed or charged.
    public var isEmpty: Bool { answered == 0 && billableSeconds == 0 && costMicros == 0 }
}
