public import Guard
import Synchronization

/// Devices whose authentication is locked from new sources (distributed guessing, decided by
/// the Guard): right credentials from any other source are answered exactly like wrong ones
/// until the lock ends; the sources the device used before keep working.
public final class DeviceLockTable: Sendable {
    struct Lock: Sendable {
        /// Unix milliseconds.
        var until: Int64
        var keep: NetworkMap<Bool>
    }

    private let locks = Mutex<[String: Lock]>([:])
    /// Read without the lock on every authentication: almost always zero.
    private let count = Atomic<Int>(0)

    public init() {}

    public func lock(username: String, until: Int64, keep: [GuardNetwork]) {
        var map = NetworkMap<Bool>()
        for network in keep { map[network] = true }
        let total = locks.withLock { locks in
            locks[username] = Lock(until: until, keep: map)
            return locks.count
        }
        count.store(total, ordering: .relaxed)
    }

    public func unlock(username: String) {
        let total = locks.withLock { locks in
            locks[username] = nil
            return locks.count
        }
        count.store(total, ordering: .relaxed)
    }

    /// Whether an authentication as `username` from `address` at `now` (Unix ms) is refused.
    public func refuses(username: String, address: AddressKey?, now: Int64) -> Bool {
        guard count.load(ordering: .relaxed) > 0 else { return false }
        return locks.withLock { locks in
            guard let lock = locks[username], lock.until > now else { return false }
            guard let address else { return true }
            return !lock.keep.contains(address)
        }
    }

    public var lockedDevices: [String] { locks.withLock { $0.keys.sorted() } }
}
