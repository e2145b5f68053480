public import NIOCore
public import SIPCore

/// The non-INVITE server transaction of RFC 3261 §17.2.2.
///
/// ```
/// Trying ──1xx──▶ Proceeding ──2xx-6xx──▶ Completed ──Timer J──▶ Terminated
///    └──────────2xx-6xx─────────────────────▲
/// ```
///
/// It is created when a request other than INVITE or ACK arrives; its owner passes that
/// request to the TU. It never retransmits on its own: the client does, and each
/// retransmission is answered with the last response (or absorbed before there is one).
public struct NonInviteServerTransaction: Sendable {
    public enum State: Sendable, Hashable, CaseIterable {
        case trying, proceeding, completed, terminated
    }

    public private(set) var state: State = .trying
    public let reliability: TransportReliability
    public let timers: TransactionTimers

    /// The last response sent, re-sent for request retransmissions (§17.2.2).
    private var lastResponse: ByteBuffer?
    /// Timer J, in Completed.
    private var armed = ArmedTimers()

    public init(reliability: TransportReliability, timers: TransactionTimers = .rfc3261) {
        self.reliability = reliability
        self.timers = timers
    }

    /// The earliest armed timer's deadline; nil when none is armed.
    public var nextDeadline: SIPInstant? { armed.nextDeadline }

    /// The armed timers in firing order.
    public var pendingTimers: [ScheduledTimer] { armed.pending }

    /// The TU sends a response; its status line decides the transition.
    public mutating func respond(_ response: SIPOutgoingMessage, now: SIPInstant) -> [TransactionAction] {
        guard case .response(let statusCode, _) = response.startLine else {
            preconditionFailure("a server transaction sends responses, not requests")
        }
        return respond(statusCode: statusCode, bytes: response.serialized, now: now)
    }

    /// The TU sends a response already serialized; `statusCode` must be the one in `bytes`.
    public mutating func respond(statusCode: Int, bytes: ByteBuffer, now: SIPInstant) -> [TransactionAction] {
        precondition((100...699).contains(statusCode), "status code \(statusCode) outside 100-699")
        switch (state, statusCode) {
        case (.trying, 100...199), (.proceeding, 100...199):
            state = .proceeding
            lastResponse = bytes
            return [.send(bytes)]
        case (.trying, _), (.proceeding, _):
            // §17.2.2: a final response moves to Completed; Timer J absorbs request
            // retransmissions, and is zero over reliable transports (which do not retransmit).
            state = .completed
            lastResponse = bytes
            let timerJ = timers.timerJ(reliability)
            guard timerJ > .zero else { return [.send(bytes)] + terminate() }
            armed.arm(.j, at: now + timerJ)
            return [.send(bytes)]
        case (.completed, _), (.terminated, _):
            // §17.2.2: further final responses from the TU are discarded.
            return []
        }
    }

    /// The request arrived again.
    public mutating func receiveRetransmission(now: SIPInstant) -> [TransactionAction] {
        switch state {
        case .trying, .terminated:
            // §17.2.2: absorbed in Trying: there is nothing to answer with yet.
            return []
        case .proceeding, .completed:
            return lastResponse.map { [.send($0)] } ?? []
        }
    }

    /// Fires every timer due at or before `now`, in order.
    public mutating func advance(to now: SIPInstant) -> [TransactionAction] {
        guard state != .terminated, let next = armed.next, next.deadline <= now else { return [] }
        // Timer J is the only timer (§17.2.2): Completed ends quietly.
        return terminate()
    }

    /// The transport could not send a response (§17.2.4).
    public mutating func transportError(now: SIPInstant) -> [TransactionAction] {
        guard state != .terminated else { return [] }
        return [.transportError] + terminate()
    }

    private mutating func terminate() -> [TransactionAction] {
        state = .terminated
        armed.cancelAll()
        lastResponse = nil
        return [.terminated]
    }
}
