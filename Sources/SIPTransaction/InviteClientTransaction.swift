import NIOCore
public import SIPCore

/// The INVITE client transaction of RFC 3261 §17.1.1 as corrected by RFC 6026 §7.2.
///
/// ```
/// Calling ──1xx──▶ Proceeding ──3xx-6xx──▶ Completed ──Timer D──▶ Terminated
///    │  └────────────3xx-6xx (send ACK)──────▲
///    ├──2xx (either state)──▶ Accepted ──Timer M──────────────────▶ Terminated
///    └──Timer B (timeout)─────────────────────────────────────────▶ Terminated
/// ```
///
/// The owner sends the INVITE once when it creates the transaction (§17.1.1.2: the request
/// goes to the transport as the machine enters Calling); every later transmission, and the
/// ACK for a non-2xx final response, comes as a `.send` action.
public struct InviteClientTransaction: Sendable {
    public enum State: Sendable, Hashable, CaseIterable {
        case calling, proceeding, completed, accepted, terminated
    }

    public private(set) var state: State = .calling
    public let reliability: TransportReliability
    public let timers: TransactionTimers

    /// The INVITE, kept while Timer A may re-send it.
    private var request: ByteBuffer?
    private let ackTemplate: ACKTemplate
    /// The ACK sent for the non-2xx final response, re-sent for its retransmissions.
    private var ack: ByteBuffer?
    /// Timer A (Calling, unreliable transports only) and B (Calling), D (Completed) or
    /// M (Accepted).
    private var armed = ArmedTimers()

    /// Starts the transaction in Calling at `now`, for `request` as sent.
    ///
    /// - Throws: when the INVITE lacks what its ACK must repeat (top Via, From, Call-ID,
    ///   CSeq, well-formed Route), §17.1.1.3.
    public init(
        request: SIPMessage, reliability: TransportReliability, timers: TransactionTimers = .rfc3261, now: SIPInstant
    ) throws(SIPParseError) {
        precondition(request.method == .invite, "an INVITE client transaction needs an INVITE")
        var invite = request
        self.ackTemplate = try ACKTemplate(invite: &invite)
        self.request = request.bytes
        self.reliability = reliability
        self.timers = timers
        if reliability == .unreliable {
            armed.retransmission = RetransmissionTimer(.a, start: now, interval: timers.timerA)
        }
        armed.arm(.b, at: now + timers.timerB)
    }

    /// The earliest armed timer's deadline; nil when none is armed.
    public var nextDeadline: SIPInstant? { armed.nextDeadline }

    /// The armed timers in firing order.
    public var pendingTimers: [ScheduledTimer] { armed.pending }

    /// A response matched this transaction (§17.1.3).
    public mutating func receive(response: SIPMessage, now: SIPInstant) -> [TransactionAction] {
        guard let statusCode = response.statusCode else { return [] }
        switch (state, statusCode) {
        case (.calling, 100...199), (.proceeding, 100...199):
            // §17.1.1.2: no more retransmissions once the server is known to be working on
            // it, and no Timer B: the TU (or a proxy's Timer C) decides how long to ring.
            state = .proceeding
            armed.cancelAll()
            request = nil
            return [.passResponse(response)]
        case (.calling, 200...299), (.proceeding, 200...299):
            // RFC 6026 §7.2: wait in Accepted for 2xx retransmissions and forked 2xx, which
            // the TU must see to ACK each; the TU, not the transaction, sends those ACKs.
            state = .accepted
            armed.cancelAll()
            request = nil
            armed.arm(.m, at: now + timers.timerM)
            return [.passResponse(response)]
        case (.calling, _), (.proceeding, _):
            guard let ack = ackTemplate.ack(answering: response) else { return [] }
            // §17.1.1.2: pass the response up, acknowledge it ourselves, and stay (Timer D)
            // to re-acknowledge its retransmissions; zero over reliable transports.
            state = .completed
            armed.cancelAll()
            request = nil
            self.ack = ack
            let actions: [TransactionAction] = [.passResponse(response), .send(ack)]
            let timerD = timers.timerD(reliability)
            guard timerD > .zero else { return actions + terminate() }
            armed.arm(.d, at: now + timerD)
            return actions
        case (.completed, 300...699):
            // §17.1.1.2: a retransmitted final response is acknowledged again, not passed up.
            return ack.map { [.send($0)] } ?? []
        case (.accepted, 200...299):
            // RFC 6026 §7.2: every 2xx goes up (retransmissions and other forks alike).
            return [.passResponse(response)]
        default:
            return []
        }
    }

    /// Fires every timer due at or before `now`, in order.
    public mutating func advance(to now: SIPInstant) -> [TransactionAction] {
        var actions: [TransactionAction] = []
        while state != .terminated, let next = armed.next, next.deadline <= now {
            switch next.timer {
            case .a:
                // §17.1.1.2: re-send, doubling the interval each time (no cap for INVITE).
                armed.retransmission?.backOff(cap: nil)
                if let request { actions.append(.send(request)) }
            case .b:
                actions.append(.timeout(.b))
                actions += terminate()
            default:
                // D (Completed) and M (Accepted) end their states quietly.
                actions += terminate()
            }
        }
        return actions
    }

    /// The transport could not send the INVITE or the ACK (§17.1.4).
    public mutating func transportError(now: SIPInstant) -> [TransactionAction] {
        switch state {
        case .terminated:
            return []
        case .accepted:
            // Nothing is sent in Accepted; the TU is told, and 2xx retransmissions still go up
            // until Timer M (RFC 6026 §7.2).
            return [.transportError]
        case .calling, .proceeding, .completed:
            return [.transportError] + terminate()
        }
    }

    private mutating func terminate() -> [TransactionAction] {
        state = .terminated
        armed.cancelAll()
        request = nil
        ack = nil
        return [.terminated]
    }
}
