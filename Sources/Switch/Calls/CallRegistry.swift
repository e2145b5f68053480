import Synchronization

/// Every live call of the switch, shared by the event loops (the two parties of a call
/// usually reach different loops), with the concurrent-call counts per device and account
/// that the limits are checked against under the same lock.
public final class CallRegistry: Sendable {
    public enum LimitRefusal: Error, Sendable, Equatable {
        case device(limit: Int)
        case callee(limit: Int)
        case account(limit: Int)
        case duplicate
    }

    /// The limits a new call is checked against; nil: none.
    public struct Limits: Sendable, Equatable {
        public var callerDevice: Int?
        public var calleeDevice: Int?
        public var account: Int?

        public init(callerDevice: Int? = nil, calleeDevice: Int? = nil, account: Int? = nil) {
            self.callerDevice = callerDevice
            self.calleeDevice = calleeDevice
            self.account = account
        }
    }

    struct State {
        var calls: [String: ActiveCall] = [:]
        var perDevice: [Int64: Int] = [:]
        var perAccount: [Int64: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds a call unless it would exceed a limit.
    public func begin(_ call: ActiveCall, limits: Limits) -> Result<Void, LimitRefusal> {
        let callID = call.record.callID
        return state.withLock { state in
            if state.calls[callID] != nil { return .failure(.duplicate) }
            if let id = call.callerDeviceId, let limit = limits.callerDevice, state.perDevice[id, default: 0] >= limit {
                return .failure(.device(limit: limit))
            }
            if let id = call.calleeDeviceId, let limit = limits.calleeDevice, state.perDevice[id, default: 0] >= limit {
                return .failure(.callee(limit: limit))
            }
            if let id = call.accountId, let limit = limits.account, state.perAccount[id, default: 0] >= limit {
                return .failure(.account(limit: limit))
            }
            state.calls[callID] = call
            if let id = call.callerDeviceId { state.perDevice[id, default: 0] += 1 }
            if let id = call.calleeDeviceId, id != call.callerDeviceId { state.perDevice[id, default: 0] += 1 }
            if let id = call.accountId { state.perAccount[id, default: 0] += 1 }
            return .success(())
        }
    }

    public func call(_ callID: String) -> ActiveCall? {
        state.withLock { $0.calls[callID] }
    }

    /// Changes a live call; returns what `body` returned, nil when the call is gone.
    @discardableResult
    public func update<Value>(_ callID: String, _ body: (inout ActiveCall) -> Value) -> Value? {
        state.withLock { state in
            guard var call = state.calls[callID] else { return nil }
            let value = body(&call)
            state.calls[callID] = call
            return value
        }
    }

    /// Removes a call (once: the second end of a call returns nil) after a last change.
    public func end(_ callID: String, _ finish: (inout ActiveCall) -> Void = { _ in }) -> ActiveCall? {
        state.withLock { state in
            guard var call = state.calls.removeValue(forKey: callID) else { return nil }
            finish(&call)
            if let id = call.callerDeviceId { Self.decrement(&state.perDevice, id) }
            if let id = call.calleeDeviceId, id != call.callerDeviceId { Self.decrement(&state.perDevice, id) }
            if let id = call.accountId { Self.decrement(&state.perAccount, id) }
            return call
        }
    }

    private static func decrement(_ counts: inout [Int64: Int], _ id: Int64) {
        let left = (counts[id] ?? 0) - 1
        counts[id] = left > 0 ? left : nil
    }

    public var count: Int { state.withLock { $0.calls.count } }

    /// Live calls of a device (as caller or callee).
    public func calls(deviceId: Int64) -> Int { state.withLock { $0.perDevice[deviceId] ?? 0 } }

    public func calls(accountId: Int64) -> Int { state.withLock { $0.perAccount[accountId] ?? 0 } }

    /// Every live call, copied: for the console's live view, not for the packet path.
    public var snapshot: [ActiveCall] { state.withLock { Array($0.calls.values) } }

    /// The live calls of an account (placed by its devices), with the event loop that owns
    /// each: for hanging them up. Looks at every call; for rare actions, not per packet.
    public func liveCalls(accountId: Int64) -> [(callID: String, ownerLoop: Int)] {
        state.withLock { state in
            guard state.perAccount[accountId] != nil else { return [] }
            return state.calls.values.filter { $0.accountId == accountId }.map { ($0.record.callID, $0.ownerLoop) }
        }
    }
}
