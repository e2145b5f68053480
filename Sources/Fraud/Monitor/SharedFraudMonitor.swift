import Synchronization

/// The one `FraudMonitor` of a server, shared by the event loops: a call starts on the loop
/// of its caller's packets and may end on another's, and the facts of both must meet the
/// same counters. A fact is a few dictionary updates per rule, so one lock held for that
/// long costs less than a hop to a separate task, and a finding is back with the caller at
/// once (the call that crossed a critical level can be refused or hung up on the spot).
public final class SharedFraudMonitor: Sendable {
    private let monitor: Mutex<FraudMonitor>

    public init(_ monitor: FraudMonitor) {
        self.monitor = Mutex(monitor)
    }

    public func record(_ fact: FraudCallFact, now: Int64) -> [FraudFinding] {
        monitor.withLock { $0.record(fact, now: now) }
    }

    public func expire(now: Int64) {
        monitor.withLock { $0.expire(now: now) }
    }

    @discardableResult
    public func replay(_ facts: [FraudCallFact], now: Int64) -> [FraudFinding] {
        monitor.withLock { $0.replay(facts, now: now) }
    }

    /// Replaces the monitor (a new rule set, rebuilt with `replay` beforehand).
    public func replace(with fresh: FraudMonitor) {
        monitor.withLock { $0 = fresh }
    }

    public func figure(_ kind: MonitorKind, scope: FraudScopeKey, now: Int64) -> Int64 {
        monitor.withLock { $0.figure(kind, scope: scope, now: now) }
    }

    public func readings(now: Int64) -> [FraudScopeKey: [MonitorKind: Int64]] {
        monitor.withLock { $0.readings(now: now) }
    }

    /// A copy of the whole monitor. It shares storage until the next fact, which then
    /// copies the tables: for tests and rare inspection, not for a polling console.
    public var snapshot: FraudMonitor { monitor.withLock { $0 } }
}
