import UnixTime
import Foundation
import NIOCore
import Registrar
import SIPCore
import SIPTransport
import Storage
import Switch
import Synchronization

/// The server's registrations to its providers (RFC 3261 §10.2), one state machine each,
/// shared between the event loops (responses arrive on any of them) and the service's task
/// (timers, database). The machines live behind one lock that is held only to run them;
/// datagrams are sent after it is released, and status changes wait in `pending` for the
/// service task to write: an event loop never touches the database.
final class OutboundRegistrationClient: SIPResponseConsumer, Sendable {
    struct Registration: Sendable {
        let providerId: Int64
        let providerName: String
        /// What the machine was made from; a provider whose settings differ gets a new one.
        let settings: OutboundProviderSettings
        var machine: OutboundRegistration
        let sender: SIPReplySender
        /// Being removed (the provider changed, was disabled or deleted): it still answers
        /// challenges to its removal, but its statuses are no longer the provider's.
        var retiring = false
    }

    /// A status to write, with the provider's name for the log.
    struct StatusChange: Sendable {
        let providerName: String
        let record: ProviderRegistrationStatus
    }

    private struct State {
        var registrations: [Registration] = []
        /// The latest status of each provider not written yet.
        var pending: [Int64: StatusChange] = [:]
    }

    private let state = Mutex(State())
    let wallClock: @Sendable () -> Int64

    init(wallClock: @escaping @Sendable () -> Int64) {
        self.wallClock = wallClock
    }

    // MARK: - Responses (event loops)

    /// Takes the responses whose Call-ID is one of ours; any other goes on to the next
    /// consumer (and is a stray response if none takes it).
    func consume(_ response: inout SIPMessage, from peer: SIPPeer) -> Bool {
        guard peer.transport == .udp, let callID = try? response.callID().string else { return false }
        guard state.withLock({ $0.registrations.contains { $0.machine.owns(callID: callID) } }) else { return false }
        // Ours, but without what matching needs: swallowed (nobody else could use it).
        guard let summary = OutboundRegistration.ResponseSummary(&response) else { return true }
        let now = wallClock()
        let sends = state.withLock { state in
            var sends: [(SIPReplySender, OutgoingRegister)] = []
            for index in state.registrations.indices where state.registrations[index].machine.owns(callID: callID) {
                let actions = state.registrations[index].machine.receive(summary, now: now)
                sends += Self.apply(actions, at: index, in: &state, now: now)
            }
            return sends
        }
        send(sends)
        return true
    }

    // MARK: - The service's task

    /// Starts a registration.
    func add(_ registration: Registration) {
        let now = wallClock()
        let sends = state.withLock { state in
            state.registrations.append(registration)
            let index = state.registrations.count - 1
            return Self.apply(state.registrations[index].machine.start(now: now), at: index, in: &state, now: now)
        }
        send(sends)
    }

    /// Removes the binding of a provider's running registration (its statuses are then the
    /// caller's to write).
    func retire(providerId: Int64) {
        let now = wallClock()
        let sends = state.withLock { state in
            var sends: [(SIPReplySender, OutgoingRegister)] = []
            for index in state.registrations.indices where state.registrations[index].providerId == providerId && !state.registrations[index].retiring {
                state.registrations[index].retiring = true
                sends += Self.apply(state.registrations[index].machine.stop(now: now), at: index, in: &state, now: now)
            }
            state.pending[providerId] = nil
            return sends
        }
        send(sends)
    }

    /// Removes every binding (graceful shutdown).
    func stopAll() {
        let now = wallClock()
        let sends = state.withLock { state in
            var sends: [(SIPReplySender, OutgoingRegister)] = []
            for index in state.registrations.indices {
                sends += Self.apply(state.registrations[index].machine.stop(now: now), at: index, in: &state, now: now)
            }
            return sends
        }
        send(sends)
    }

    /// Fires the machines' timers (retransmissions, timeouts, refreshes, retries) and
    /// forgets retired machines that are done.
    func tick() {
        let now = wallClock()
        let sends = state.withLock { state in
            var sends: [(SIPReplySender, OutgoingRegister)] = []
            for index in state.registrations.indices {
                guard let deadline = state.registrations[index].machine.nextDeadline, deadline <= now else { continue }
                sends += Self.apply(state.registrations[index].machine.tick(now: now), at: index, in: &state, now: now)
            }
            state.registrations.removeAll { $0.retiring && $0.machine.isStopped }
            return sends
        }
        send(sends)
    }

    /// The earliest deadline of any machine (Unix milliseconds).
    var nextDeadline: Int64? { state.withLock { $0.registrations.compactMap(\.machine.nextDeadline).min() } }

    var isEmpty: Bool { state.withLock { $0.registrations.isEmpty } }

    /// Every machine has finished its removal.
    var allStopped: Bool { state.withLock { $0.registrations.allSatisfy(\.machine.isStopped) } }

    /// The settings of each provider's running (not retiring) registration.
    var running: [Int64: OutboundProviderSettings] {
        state.withLock { state in
            var result: [Int64: OutboundProviderSettings] = [:]
            for registration in state.registrations where !registration.retiring { result[registration.providerId] = registration.settings }
            return result
        }
    }

    /// The machines still running (not retiring), for the final statuses at shutdown.
    var unfinished: [(providerId: Int64, providerName: String, status: OutboundRegistration.Status)] {
        state.withLock { state in
            state.registrations.filter { !$0.retiring && !$0.machine.isStopped }.map { ($0.providerId, $0.providerName, $0.machine.status) }
        }
    }

    /// The status changes since the last call, at most one per provider (the latest).
    func takeStatusChanges() -> [StatusChange] {
        state.withLock { state in
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
    }

    /// Puts back changes that could not be written, unless a newer one came meanwhile.
    func requeue(_ changes: [StatusChange]) {
        state.withLock { state in
            for change in changes where state.pending[change.record.providerId] == nil {
                state.pending[change.record.providerId] = change
            }
        }
    }

    // MARK: - Plumbing

    /// Status changes go to `pending` (the retiring machines' are dropped); sends are
    /// returned to be made outside the lock.
    private static func apply(
        _ actions: [OutboundRegistration.Action], at index: Int, in state: inout State, now: Int64
    ) -> [(SIPReplySender, OutgoingRegister)] {
        var sends: [(SIPReplySender, OutgoingRegister)] = []
        let registration = state.registrations[index]
        for action in actions {
            switch action {
            case .send(let request):
                sends.append((registration.sender, request))
            case .statusChanged(let status):
                guard !registration.retiring else { continue }
                state.pending[registration.providerId] = StatusChange(
                    providerName: registration.providerName,
                    record: record(status, providerId: registration.providerId, now: now))
            }
        }
        return sends
    }

    private func send(_ sends: [(SIPReplySender, OutgoingRegister)]) {
        for (sender, request) in sends { sender.sendNow(request.bytes) }
    }

    /// The machine's status as `provider status` reads it. A stopped registration is shown
    /// as disabled: the server holds no binding at the provider.
    static func record(_ status: OutboundRegistration.Status, providerId: Int64, now: Int64) -> ProviderRegistrationStatus {
        let state: ProviderRegistrationStatus.State
        switch status.state {
        case .idle, .registering: state = .registering
        case .registered: state = .registered
        case .failed: state = .failed
        case .unregistered: state = .disabled
        }
        return ProviderRegistrationStatus(
            providerId: providerId, state: state, lastStatusCode: status.lastStatusCode, lastError: status.lastError,
            registeredUntil: status.registeredUntil.map(UnixTime.date),
            nextAttemptAt: status.nextAttemptAt.map(UnixTime.date), callID: status.callID,
            updatedAt: UnixTime.date(now))
    }
}

/// What a provider's registration depends on: when any of it changes (a management command
/// ran), the registration is removed and made again.
struct OutboundProviderSettings: Sendable, Equatable {
    let hosts: [String]
    let port: Int?
    let transport: Provider.Transport
    let username: String?
    let realm: String?
    let ha1MD5: String?
    let ha1SHA256: String?
    let expires: Int
    let callID: Provider.RegisterCallID

    init(_ provider: Provider) {
        hosts = provider.hosts
        port = provider.port
        transport = provider.transport
        username = provider.registerUsername
        realm = provider.registerRealm
        ha1MD5 = provider.registerHA1MD5
        ha1SHA256 = provider.registerHA1SHA256
        expires = provider.registerExpires
        callID = provider.registerCallID
    }
}
