public import Storage

/// The call figures of a bucket, a provider, an account or a whole period, from counts and
/// one sum kept exact; the derived figures are computed on demand, rounded half up:
///
/// - ASR (answer-seizure ratio, ITU-T E.411): answered / attempts × 100, one decimal;
/// - ACD (average call duration, as carriers quote it): answered time / answered calls, in
///   seconds, one decimal;
/// - total minutes: answered time / 60 000 ms, two decimals; average minutes: answered time
///   / answered calls / 60 000 ms, two decimals (from the exact sum, not the rounded total).
///
/// No attempts or no answered calls give nil ("-" in a table, null in JSON): 0 % would claim
/// a measurement that was not made.
public struct CallFigures: Sendable, Equatable {
    /// Calls from a device, a provider or a guest (never an unidentified caller's).
    public var attempts: Int
    /// Attempts that rang or were answered (a call answered at once never rang).
    public var ringing: Int
    public var answered: Int
    /// The sum of `durationMillis` over the answered calls.
    public var answeredMillis: Int64

    public init(attempts: Int = 0, ringing: Int = 0, answered: Int = 0, answeredMillis: Int64 = 0) {
        self.attempts = attempts
        self.ringing = ringing
        self.answered = answered
        self.answeredMillis = answeredMillis
    }

    /// Counts `record` as one attempt; the caller has checked `isReportedCall`.
    public mutating func count(_ record: CallRecord) {
        attempts += 1
        if record.ringingAt != nil || record.answeredAt != nil { ringing += 1 }
        if record.answeredAt != nil {
            answered += 1
            answeredMillis += Int64(max(0, record.durationMillis))
        }
    }

    /// Percent, one decimal.
    public var asr: ReportDecimal? { ReportDecimal.ratio(Int64(answered) * 100, Int64(attempts), places: 1) }
    /// Seconds, one decimal.
    public var acdSeconds: ReportDecimal? { ReportDecimal.ratio(answeredMillis, Int64(answered) * 1_000, places: 1) }
    /// Two decimals; 0.00 without answered calls.
    public var totalMinutes: ReportDecimal { ReportDecimal.ratio(answeredMillis, 60_000, places: 2) ?? ReportDecimal(units: 0, places: 2) }
    /// Two decimals.
    public var averageMinutes: ReportDecimal? { ReportDecimal.ratio(answeredMillis, Int64(answered) * 60_000, places: 2) }
}
