public import Registrar
import Synchronization

/// The one owner of the registrar's bindings, shared by every event loop (a device may
/// register on any of them). Changes are applied in memory at once and queued for storage:
/// the database is written in batches off the event loops (`takePendingChanges`), so a
/// REGISTER never waits for a disk.
public final class RegistrarStore: Sendable {
    struct State {
        var table = BindingTable()
        /// Not yet written: the latest binding per key, and keys removed since.
        var upserts: [BindingKey: Binding] = [:]
        var removals: Set<BindingKey> = []
    }

    public let policy: RegistrarPolicy
    private let state = Mutex(State())

    public init(policy: RegistrarPolicy) {
        self.policy = policy
    }

    public func register(_ request: RegisterRequest, now: Int64) -> RegisterOutcome {
        state.withLock { state in
            let outcome = state.table.register(request, policy: policy, now: now)
            if case .accepted(_, let changes) = outcome { state.queue(changes) }
            return outcome
        }
    }

    /// The device's live bindings.
    public func bindings(deviceId: Int64, now: Int64) -> [Binding] {
        state.withLock { $0.table.bindings(deviceId: deviceId, now: now) }
    }

    /// Every live binding.
    public var all: [Binding] { state.withLock { $0.table.all } }

    public var count: Int { state.withLock { $0.table.count } }

    /// Bindings read from storage at start.
    public func load(_ bindings: [Binding], now: Int64) {
        state.withLock { $0.table.load(bindings, now: now) }
    }

    /// Removes expired bindings; returns them.
    @discardableResult
    public func expire(now: Int64) -> [BindingKey] {
        state.withLock { state in
            let removed = state.table.expire(now: now)
            state.queue(BindingChanges(removed: removed))
            return removed
        }
    }

    /// Forgets the bindings of devices that no longer exist.
    public func keepDevices(_ exists: (Int64) -> Bool) {
        state.withLock { state in
            for deviceId in state.table.deviceIds where !exists(deviceId) {
                state.table.removeDevice(deviceId)
            }
        }
    }

    /// The changes not yet written, handed over (and cleared) for one batch.
    public func takePendingChanges() -> BindingChanges {
        state.withLock { state in
            let changes = BindingChanges(upserted: Array(state.upserts.values), removed: Array(state.removals))
            state.upserts = [:]
            state.removals = []
            return changes
        }
    }

    /// Puts back a batch that could not be written, under any newer changes.
    public func requeue(_ changes: BindingChanges) {
        state.withLock { state in
            for binding in changes.upserted {
                let key = BindingKey(deviceId: binding.deviceId, contact: binding.contact)
                if state.upserts[key] == nil && !state.removals.contains(key) { state.upserts[key] = binding }
            }
            for key in changes.removed where state.upserts[key] == nil {
                state.removals.insert(key)
            }
        }
    }
}

extension RegistrarStore.State {
    mutating func queue(_ changes: BindingChanges) {
        for binding in changes.upserted {
            let key = BindingKey(deviceId: binding.deviceId, contact: binding.contact)
            upserts[key] = binding
            removals.remove(key)
        }
        for key in changes.removed {
            upserts[key] = nil
            removals.insert(key)
        }
    }
}
