import Foundation
import Synchronization

/// Failed console logins per source address: after `limit` failures in a row an address
/// must wait `wait` seconds before its next try (the seed's "wait after failed logins");
/// a success clears it. Persistent guessers are left to the Guard's console-login jail,
/// which every failure feeds. Memory is bounded: the oldest addresses are forgotten first.
final class LoginThrottle: Sendable {
    struct Entry: Sendable {
        var failures: Int
        var lastFailure: Date
    }

    let limit: Int
    let wait: TimeInterval
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(limit: Int = 3, wait: TimeInterval = 10, capacity: Int = 10_000) {
        self.limit = limit
        self.wait = wait
        self.capacity = capacity
    }

    /// Seconds still to wait before `source` may try again; nil: it may try now.
    func remainingWait(for source: String, now: Date) -> TimeInterval? {
        entries.withLock { entries in
            guard let entry = entries[source], entry.failures >= limit else { return nil }
            let left = entry.lastFailure.addingTimeInterval(wait).timeIntervalSince(now)
            return left > 0 ? left : nil
        }
    }

    /// Counts a failure; returns the failures in a row so far.
    @discardableResult
    func failed(_ source: String, now: Date) -> Int {
        entries.withLock { entries in
            if entries[source] == nil, entries.count >= capacity,
                let oldest = entries.min(by: { $0.value.lastFailure < $1.value.lastFailure })?.key
            {
                entries[oldest] = nil
            }
            var entry = entries[source] ?? Entry(failures: 0, lastFailure: now)
            entry.failures += 1
            entry.lastFailure = now
            entries[source] = entry
            return entry.failures
        }
    }

    func succeeded(_ source: String) {
        _ = entries.withLock { $0.removeValue(forKey: source) }
    }
}
