import NIOCore
public import SIPCore

/// The non-INVITE client transaction of RFC 3261 §17.1.2.
///
/// ```
/// Trying ──1xx──▶ Proceeding ──2xx-6xx──▶ Completed ──Timer K──▶ Terminated
///    └──────────2xx-6xx────────────────────▲
/// Trying, Proceeding ──Timer F (timeout)─────────────────────────▶ Terminated
/// ```
///
/// The owner sends the request once when it creates the transaction (§17.1.2.2); every
/// retransmission comes as a `.send` action.
public struct NonInviteClientTransaction: Sendable {
    public enum State: Sendable, Hashable, CaseIterable {
        case trying, proceeding, completed, terminated
    }

    public private(set) var state: State = .trying
    public let reliability: TransportReliability
    public let timers: TransactionTimers

    /// The request, kept while Timer E may re-send it.
    private var request: ByteBuffer?
    /// Timer E (Trying and Proceeding, unreliable transports only) and F (Trying and
    /// Proceeding) or K (Completed).
    private var armed = ArmedTimers()

    /// Starts the transaction in Trying at `now`, for `request` as sent.
    public init(
        request: SIPMessage, reliability: TransportReliability, timers: TransactionTimers = .rfc3261, now: SIPInstant
    ) {
        precondition(
            request.isRequest && request.method != .invite && request.method != .ack,
            "a non-INVITE client transaction needs a request other than INVITE or ACK")
        self.request = request.bytes
        self.reliability = reliability
        self.timers = timers
        if reliability == .unreliable {
            armed.retransmission = RetransmissionTimer(.e, start: now, interval: timers.timerE)
        }
        armed.arm(.f, at: now + timers.timerF)
    }

    /// The earliest armed timer's deadline; nil when none is armed.
    public var nextDeadline: SIPInstant? { armed.nextDeadline }

    /// The armed timers in firing order.
    public var pendingTimers: [ScheduledTimer] { armed.pending }

    /// A response matched this transaction (§17.1.3).
    public mutating func receive(response: SIPMessage, now: SIPInstant) -> [TransactionAction] {
        guard let statusCode = response.statusCode else { return [] }
        switch (state, statusCode) {
        case (.trying, 100...199), (.proceeding, 100...199):
            // §17.1.2.2: Timer E keeps running; from now on it fires every T2.
            state = .proceeding
            return [.passResponse(response)]
        case (.trying, _), (.proceeding, _):
            // §17.1.2.2: Timer K absorbs response retransmissions; zero over reliable
            // transports.
            state = .completed
            armed.cancelAll()
            request = nil
            let timerK = timers.timerK(reliability)
            guard timerK > .zero else { return [.passResponse(response)] + terminate() }
            armed.arm(.k, at: now + timerK)
            return [.passResponse(response)]
        case (.completed, _), (.terminated, _):
            // §17.1.2.2: retransmitted responses are absorbed in Completed.
            return []
        }
    }

    /// Fires every timer due at or before `now`, in order.
    public mutating func advance(to now: SIPInstant) -> [TransactionAction] {
        var actions: [TransactionAction] = []
        while state != .terminated, let next = armed.next, next.deadline <= now {
            switch next.timer {
            case .e:
                // §17.1.2.2: doubling up to T2 in Trying; every T2 in Proceeding.
                if state == .trying {
                    armed.retransmission?.backOff(cap: timers.t2)
                } else {
                    armed.retransmission?.repeatAfter(timers.t2)
                }
                if let request { actions.append(.send(request)) }
            case .f:
                actions.append(.timeout(.f))
                actions += terminate()
            default:
                // K ends Completed quietly.
                actions += terminate()
            }
        }
        return actions
    }

    /// The transport could not send the request (§17.1.4).
    public mutating func transportError(now: SIPInstant) -> [TransactionAction] {
        guard state != .terminated else { return [] }
        return [.transportError] + terminate()
    }

    private mutating func terminate() -> [TransactionAction] {
        state = .terminated
        armed.cancelAll()
        request = nil
        return [.terminated]
    }
}
