import NIOCore
import SIPCore
import SIPTransaction
import Testing

/// The non-INVITE server transaction (RFC 3261 §17.2.2).
@Suite("Non-INVITE server transaction")
struct NonInviteServerTransactionTests {
    enum Event: Sendable, CustomStringConvertible {
        case respond(Int)
        /// The request arrives again.
        case retransmission
        case advance
        case transportError

        var description: String {
            switch self {
            case .respond(let code): return "TU \(code)"
            case .retransmission: return "retransmission"
            case .advance: return "advance"
            case .transportError: return "transport error"
            }
        }
    }

    typealias Step = TransactionStep<Event>

    typealias Row = TransactionRow<NonInviteServerTransaction.State, Event>

    static let rows: [Row] = [
        // Trying
        Row(
            rfc: "§17.2.2 Trying absorbs retransmissions: there is no response yet",
            reliability: .unreliable, steps: [Step(0, .retransmission, []), Step(0.5, .retransmission, [])], state: .trying, timers: []),
        Row(
            rfc: "§17.2.2 Trying runs no timer",
            reliability: .unreliable, steps: [Step(100, .advance, [])], state: .trying, timers: []),
        Row(
            rfc: "§17.2.4 transport error in Trying",
            reliability: .reliable, steps: [Step(0, .transportError, ["transport error", "terminated"])], state: .terminated, timers: []),
        // Proceeding
        Row(
            rfc: "§17.2.2 a provisional response → Proceeding",
            reliability: .unreliable, steps: [Step(0, .respond(100), ["send 100"])], state: .proceeding, timers: []),
        Row(
            rfc: "§17.2.2 Proceeding answers retransmissions with the last provisional",
            reliability: .unreliable,
            steps: [Step(0, .respond(100), ["send 100"]), Step(1, .respond(183), ["send 183"]), Step(2, .retransmission, ["send 183"])],
            state: .proceeding, timers: []),
        Row(
            rfc: "§17.2.4 transport error in Proceeding",
            reliability: .unreliable, steps: [Step(0, .respond(100), ["send 100"]), Step(1, .transportError, ["transport error", "terminated"])],
            state: .terminated, timers: []),
        // Completed
        Row(
            rfc: "§17.2.2 a final response from Trying → Completed with J = 64·T1",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"])], state: .completed, timers: ["J@32.0"]),
        Row(
            rfc: "§17.2.2 a final response from Proceeding → Completed",
            reliability: .unreliable, steps: [Step(0, .respond(100), ["send 100"]), Step(3, .respond(404), ["send 404"])],
            state: .completed, timers: ["J@35.0"]),
        Row(
            rfc: "§17.2.2 Completed answers retransmissions with the final response",
            reliability: .unreliable,
            steps: [Step(0, .respond(100), ["send 100"]), Step(1, .respond(401), ["send 401"]), Step(2, .retransmission, ["send 401"]), Step(4, .retransmission, ["send 401"])],
            state: .completed, timers: ["J@33.0"]),
        Row(
            rfc: "§17.2.2 the TU's later responses are discarded in Completed",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(1, .respond(500), []), Step(1, .respond(100), [])],
            state: .completed, timers: ["J@32.0"]),
        Row(
            rfc: "§17.2.2 no retransmissions of its own while in Completed",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(31.999, .advance, [])], state: .completed, timers: ["J@32.0"]),
        Row(
            rfc: "§17.2.2 Timer J ends Completed quietly",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(32, .advance, ["terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "§17.2.2 J = 0 over a reliable transport: the final response terminates at once",
            reliability: .reliable, steps: [Step(0, .respond(100), ["send 100"]), Step(1, .respond(200), ["send 200", "terminated"])],
            state: .terminated, timers: []),
        Row(
            rfc: "§17.2.4 transport error in Completed",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(1, .transportError, ["transport error", "terminated"])],
            state: .terminated, timers: []),
        // Terminated
        Row(
            rfc: "§17.2.2 nothing reaches a terminated transaction",
            reliability: .reliable,
            steps: [Step(0, .respond(200), ["send 200", "terminated"]), Step(1, .retransmission, []), Step(1, .respond(500), []), Step(50, .advance, []), Step(50, .transportError, [])],
            state: .terminated, timers: []),
    ]

    @Test("every state and timer", arguments: rows)
    func scenario(_ row: Row) throws {
        let request = try RequestSpec().with { $0.method = "REGISTER"; $0.uri = "sip:registrar.biloxi.example.com" }.message
        var transaction = NonInviteServerTransaction(reliability: row.reliability, timers: defaultTimers)
        #expect(transaction.state == .trying)
        for step in row.steps {
            let now = at(step.time)
            let actions: [TransactionAction]
            switch step.event {
            case .respond(let code): actions = transaction.respond(try outgoingResponse(code, to: request), now: now)
            case .retransmission: actions = transaction.receiveRetransmission(now: now)
            case .advance: actions = transaction.advance(to: now)
            case .transportError: actions = transaction.transportError(now: now)
            }
            #expect(describe(actions) == step.expect, "\(row.rfc): \(step.event) at \(step.time)")
        }
        #expect(transaction.state == row.state, "\(row.rfc)")
        #expect(describe(transaction.pendingTimers) == row.timers, "\(row.rfc)")
        #expect(transaction.nextDeadline == transaction.pendingTimers.first?.deadline)
    }

    @Test("§17.2.2 the answer to a retransmission is the very bytes sent")
    func sameBytes() throws {
        let request = try RequestSpec().with { $0.method = "OPTIONS" }.message
        var transaction = NonInviteServerTransaction(reliability: .unreliable)
        let response = try outgoingResponse(200, to: request)
        #expect(sent(transaction.respond(response, now: at(0))) == [response.serialized])
        #expect(sent(transaction.receiveRetransmission(now: at(1))) == [response.serialized])
    }

    @Test("§17.2.2 J follows a configured T1")
    func configuredTimerJ() throws {
        var transaction = NonInviteServerTransaction(reliability: .unreliable, timers: try TransactionTimers(t1: .milliseconds(250), t2: .seconds(4)))
        _ = transaction.respond(statusCode: 200, bytes: ByteBuffer(string: "SIP/2.0 200 OK\r\n\r\n"), now: at(1))
        #expect(describe(transaction.pendingTimers) == ["J@17.0"])
    }
}
