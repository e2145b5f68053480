import Foundation
import Synchronization

/// Failed console logins per user name, across every source: a guesser who spreads its
/// tries over many addresses (each under the per-address wait and the console-login jail)
/// still locks the name after `failures` within `window`, for `duration`. The name is
/// counted whether or not such a user exists, so a lock says nothing about who exists. While
/// locked, a name may still log in from the addresses it logged in from before and from
/// `console.admin_networks`. Memory is bounded: the oldest names are forgotten first.
final class UserLockout: Sendable {
    struct Entry: Sendable {
        var failures: [Date]
        var lockedUntil: Date?
    }

    let failures: Int
    let window: TimeInterval
    let duration: TimeInterval
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])
    /// Sources each name logged in from (the last few), which a lock does not refuse.
    private let known = Mutex<[String: [String]]>([:])

    init(failures: Int = 10, window: TimeInterval = 600, duration: TimeInterval = 900, capacity: Int = 10_000) {
        self.failures = failures
        self.window = window
        self.duration = duration
        self.capacity = capacity
    }

    /// Seconds `name` stays locked for `source`; nil: it may try.
    func remainingLock(for name: String, source: String, now: Date) -> TimeInterval? {
        let key = Self.key(name)
        if known.withLock({ $0[key]?.contains(source) ?? false }) { return nil }
        return entries.withLock { entries in
            guard let until = entries[key]?.lockedUntil else { return nil }
            let left = until.timeIntervalSince(now)
            return left > 0 ? left : nil
        }
    }

    /// Counts a failure for `name`; true when this one locked it.
    @discardableResult
    func failed(_ name: String, now: Date) -> Bool {
        let key = Self.key(name)
        return entries.withLock { entries in
            if entries[key] == nil, entries.count >= capacity {
                let oldest = entries.min { ($0.value.failures.last ?? .distantPast) < ($1.value.failures.last ?? .distantPast) }?.key
                if let oldest { entries[oldest] = nil }
            }
            var entry = entries[key] ?? Entry(failures: [])
            entry.failures = entry.failures.filter { now.timeIntervalSince($0) < window } + [now]
            if entry.failures.count > failures { entry.failures.removeFirst(entry.failures.count - failures) }
            var locked = false
            if entry.failures.count >= failures, entry.lockedUntil.map({ $0 <= now }) ?? true {
                entry.lockedUntil = now.addingTimeInterval(duration)
                entry.failures = []
                locked = true
            }
            entries[key] = entry
            return locked
        }
    }

    /// A successful login: its source stays usable while the name is locked.
    func succeeded(_ name: String, source: String) {
        let key = Self.key(name)
        known.withLock { known in
            if known[key] == nil, known.count >= capacity, let any = known.keys.first { known[any] = nil }
            var sources = known[key] ?? []
            sources.removeAll { $0 == source }
            sources.append(source)
            if sources.count > 5 { sources.removeFirst() }
            known[key] = sources
        }
    }

    /// Names compare as the login compares them, bounded in length.
    private static func key(_ name: String) -> String { String(name.prefix(64)) }
}
