/// The price of calls to one destination prefix: a price per minute, a connection fee charged
/// once an answered call, and the billing increment (a 61 s call billed by the minute is 120
/// s). Money is in millionths of the currency unit, so sums are exact.
public struct Tariff: Sendable, Equatable {
    /// The prefix matched (`+44`), shown in call records.
    public var prefix: String
    public var pricePerMinuteMicros: Int64
    public var connectionFeeMicros: Int64
    /// At least 1.
    public var incrementSeconds: Int
    /// An answered call is billed at least this long.
    public var minimumSeconds: Int

    public init(prefix: String, pricePerMinuteMicros: Int64, connectionFeeMicros: Int64 = 0, incrementSeconds: Int = 1, minimumSeconds: Int = 0) {
        self.prefix = prefix
        self.pricePerMinuteMicros = max(0, pricePerMinuteMicros)
        self.connectionFeeMicros = max(0, connectionFeeMicros)
        self.incrementSeconds = max(1, incrementSeconds)
        self.minimumSeconds = max(0, minimumSeconds)
    }

    /// The seconds billed for a call that lasted `seconds` (0 when it was not answered):
    /// rounded up to the increment, never under the minimum.
    public func billedSeconds(_ seconds: Int) -> Int {
        guard seconds > 0 else { return 0 }
        let rounded = (seconds + incrementSeconds - 1) / incrementSeconds * incrementSeconds
        return max(rounded, minimumSeconds)
    }

    /// The cost of a call that lasted `seconds`; nothing for an unanswered call. Rounded up
    /// to the next millionth, so a sum of costs never falls short of what was used.
    public func cost(seconds: Int) -> Int64 {
        let billed = billedSeconds(seconds)
        guard billed > 0 else { return 0 }
        let (product, overflow) = pricePerMinuteMicros.multipliedReportingOverflow(by: Int64(billed))
        let usage = overflow ? Int64.max / 2 : (product + 59) / 60
        let (total, overflowed) = connectionFeeMicros.addingReportingOverflow(usage)
        return overflowed ? Int64.max / 2 : total
    }

    /// The longest call, in whole increments and at most `limit` seconds, whose cost fits in
    /// `available`; nil when not even the shortest answered call does.
    public func affordableSeconds(available: Int64, limit: Int) -> Int? {
        guard limit > 0, cost(seconds: 1) <= available else { return nil }
        guard pricePerMinuteMicros > 0 else { return limit }
        // An upper estimate, then down by increments until it fits (a few steps at most).
        let spendable = available - connectionFeeMicros
        var seconds = Int(min(Int64(limit), spendable * 60 / pricePerMinuteMicros))
        seconds = seconds / incrementSeconds * incrementSeconds
        while seconds > 0 && cost(seconds: seconds) > available { seconds -= incrementSeconds }
        if seconds <= 0 {
            // Only the minimum (or one increment) fits: that much, if the limit allows it.
            let shortest = max(minimumSeconds, incrementSeconds)
            return cost(seconds: 1) <= available ? min(limit, shortest) : nil
        }
        return min(seconds, limit)
    }
}
