import UnixTime
/// The countries a scope has called and when it last did, over a history of days: a country
/// not called within the history is new. Exact to the millisecond (one timestamp per
/// country, a few hundred at most), and a country leaves once its last call is older than
/// the history.
struct CountryHistory: Sendable, Equatable {
    let historyMillis: Int64
    private var lastCall: [String: Int64] = [:]

    init(historyDays: Int) {
        // A history longer than a century is a mistake; held there rather than overflowing.
        historyMillis = Int64(max(0, min(historyDays, 36_500))) * 86_400_000
    }

    /// Records a call to `country` at `time`; true when the country was new then.
    mutating func call(_ country: String, at time: Int64) -> Bool {
        let last = lastCall[country]
        let isNew = last.map { $0 <= UnixTime.subtracting(time, historyMillis) } ?? true
        lastCall[country] = max(last ?? time, time)
        return isNew
    }

    mutating func expire(now: Int64) {
        let oldest = UnixTime.subtracting(now, historyMillis)
        if lastCall.values.contains(where: { $0 <= oldest }) { lastCall = lastCall.filter { $0.value > oldest } }
    }

    var isEmpty: Bool { lastCall.isEmpty }

    /// Whether no country is remembered any more at `now`, expired or not.
    func isEmpty(at now: Int64) -> Bool {
        let oldest = UnixTime.subtracting(now, historyMillis)
        return !lastCall.values.contains { $0 > oldest }
    }
    var count: Int { lastCall.count }
}
