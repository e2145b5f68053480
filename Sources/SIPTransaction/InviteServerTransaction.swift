public import NIOCore
public import SIPCore

/// The INVITE server transaction of RFC 3261 §17.2.1 as corrected by RFC 6026 §7.1.
///
/// ```
/// Proceeding ──3xx-6xx──▶ Completed ──ACK──▶ Confirmed ──Timer I──▶ Terminated
///     │                      └──Timer H (timeout)──────────────────▶ Terminated
///     └───────2xx──────────▶ Accepted ──Timer L────────────────────▶ Terminated
/// ```
///
/// It is created when an INVITE arrives; its owner passes that INVITE to the TU. Sending
/// 100 (Trying) is a `respond` like any other (the table does it for new INVITEs).
public struct InviteServerTransaction: Sendable {
    public enum State: Sendable, Hashable, CaseIterable {
        case proceeding, completed, confirmed, accepted, terminated
    }

    public private(set) var state: State = .proceeding
    public let reliability: TransportReliability
    public let timers: TransactionTimers

    /// The last provisional response, re-sent when the INVITE is retransmitted (§17.2.1).
    private var lastProvisional: ByteBuffer?
    /// The 3xx-6xx final response, re-sent by Timer G and for retransmitted INVITEs.
    private var finalResponse: ByteBuffer?
    /// Timer G (Completed, unreliable transports only) and the timer that ends the current
    /// state: H in Completed, I in Confirmed, L in Accepted.
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
        case (.proceeding, 100...199):
            lastProvisional = bytes
            return [.send(bytes)]
        case (.proceeding, 200...299):
            // RFC 6026 §7.1: a 2xx no longer ends the transaction; it waits in Accepted so
            // that INVITE retransmissions are absorbed rather than taken for new requests.
            state = .accepted
            armed.arm(.l, at: now + timers.timerL)
            return [.send(bytes)]
        case (.proceeding, _):
            state = .completed
            finalResponse = bytes
            if reliability == .unreliable {
                armed.retransmission = RetransmissionTimer(.g, start: now, interval: timers.timerG)
            }
            armed.arm(.h, at: now + timers.timerH)
            return [.send(bytes)]
        case (.accepted, 200...299):
            // RFC 6026 §7.1: the TU retransmits its 2xx itself (§13.3.1.4); pass them on.
            return [.send(bytes)]
        default:
            // After a final response the TU has nothing more to say in this transaction
            // (§17.2.1); a late response is a TU bug and is dropped rather than sent.
            return []
        }
    }

    /// The INVITE arrived again.
    public mutating func receiveRetransmission(now: SIPInstant) -> [TransactionAction] {
        switch state {
        case .proceeding:
            // §17.2.1: re-send the most recent provisional response, if there is one.
            return lastProvisional.map { [.send($0)] } ?? []
        case .completed:
            return finalResponse.map { [.send($0)] } ?? []
        case .accepted, .confirmed, .terminated:
            // RFC 6026 §7.1: absorbed in Accepted, the whole point of that state.
            return []
        }
    }

    /// An ACK matched this transaction.
    public mutating func receiveACK(_ ack: SIPMessage, now: SIPInstant) -> [TransactionAction] {
        switch state {
        case .completed:
            // §17.2.1: the ACK for a non-2xx ends retransmissions; Timer I absorbs ACK
            // retransmissions, and is zero over reliable transports.
            state = .confirmed
            armed.retransmission = nil
            let timerI = timers.timerI(reliability)
            guard timerI > .zero else { return terminate() }
            armed.arm(.i, at: now + timerI)
            return []
        case .accepted:
            // RFC 6026 §7.1: an ACK in Accepted acknowledges the 2xx; it belongs to the TU.
            return [.passACK(ack)]
        case .proceeding, .confirmed, .terminated:
            // Confirmed: ACK retransmissions are absorbed (§17.2.1). Proceeding: there is
            // nothing to acknowledge yet.
            return []
        }
    }

    /// Fires every timer due at or before `now`, in order.
    public mutating func advance(to now: SIPInstant) -> [TransactionAction] {
        var actions: [TransactionAction] = []
        while state != .terminated, let next = armed.next, next.deadline <= now {
            switch next.timer {
            case .g:
                // §17.2.1: re-send the final response, doubling the interval up to T2.
                armed.retransmission?.backOff(cap: timers.t2)
                if let finalResponse { actions.append(.send(finalResponse)) }
            case .h:
                // §17.2.1: no ACK came; the TU learns the transaction failed.
                actions.append(.timeout(.h))
                actions += terminate()
            default:
                // I (Confirmed) and L (Accepted) end their states quietly.
                actions += terminate()
            }
        }
        return actions
    }

    /// The transport could not send a response (§17.2.4).
    public mutating func transportError(now: SIPInstant) -> [TransactionAction] {
        switch state {
        case .terminated:
            return []
        case .accepted:
            // The TU is told, but the transaction stays until Timer L: it still has to absorb
            // INVITE retransmissions (RFC 6026 §7.1), and whether the 2xx will ever get
            // through is for the TU to decide (§13.3.1.4).
            return [.transportError]
        case .proceeding, .completed, .confirmed:
            return [.transportError] + terminate()
        }
    }

    private mutating func terminate() -> [TransactionAction] {
        state = .terminated
        armed.cancelAll()
        lastProvisional = nil
        finalResponse = nil
        return [.terminated]
    }
}
