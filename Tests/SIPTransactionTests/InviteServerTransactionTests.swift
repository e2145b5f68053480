import NIOCore
import SIPCore
import SIPTransaction
import Testing

/// The INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1).
@Suite("INVITE server transaction")
struct InviteServerTransactionTests {
    enum Event: Sendable, CustomStringConvertible {
        /// The TU sends a response with this status.
        case respond(Int)
        /// The INVITE arrives again.
        case invite
        case ack
        /// Time passes: fire what is due.
        case advance
        case transportError

        var description: String {
            switch self {
            case .respond(let code): return "TU \(code)"
            case .invite: return "INVITE"
            case .ack: return "ACK"
            case .advance: return "advance"
            case .transportError: return "transport error"
            }
        }
    }

    typealias Step = TransactionStep<Event>

    typealias Row = TransactionRow<InviteServerTransaction.State, Event>

    static let rows: [Row] = [
        // Proceeding
        Row(
            rfc: "§17.2.1 a provisional response is sent and Proceeding has no timer",
            reliability: .unreliable, steps: [Step(0, .respond(180), ["send 180"])], state: .proceeding, timers: []),
        Row(
            rfc: "§17.2.1 a retransmitted INVITE before any response is absorbed",
            reliability: .unreliable, steps: [Step(0, .invite, [])], state: .proceeding, timers: []),
        Row(
            rfc: "§17.2.1 a retransmitted INVITE gets the most recent provisional response",
            reliability: .unreliable,
            steps: [Step(0, .respond(100), ["send 100"]), Step(1, .respond(183), ["send 183"]), Step(2, .invite, ["send 183"])],
            state: .proceeding, timers: []),
        Row(
            rfc: "§17.2.1 an ACK in Proceeding has nothing to acknowledge",
            reliability: .unreliable, steps: [Step(0, .respond(180), ["send 180"]), Step(1, .ack, [])], state: .proceeding, timers: []),
        Row(
            rfc: "§17.2.4 transport error in Proceeding: inform the TU, terminate",
            reliability: .reliable, steps: [Step(0, .transportError, ["transport error", "terminated"])], state: .terminated, timers: []),
        // Completed
        Row(
            rfc: "§17.2.1 3xx-6xx → Completed with G at T1 and H at 64·T1",
            reliability: .unreliable, steps: [Step(0, .respond(486), ["send 486"])], state: .completed, timers: ["G@0.5", "H@32.0"]),
        Row(
            rfc: "§17.2.1 over a reliable transport Completed runs H only",
            reliability: .reliable, steps: [Step(0, .respond(486), ["send 486"])], state: .completed, timers: ["H@32.0"]),
        Row(
            rfc: "§17.2.1 3xx from Proceeding after a provisional",
            reliability: .unreliable, steps: [Step(0, .respond(180), ["send 180"]), Step(2, .respond(302), ["send 302"])],
            state: .completed, timers: ["G@2.5", "H@34.0"]),
        Row(
            rfc: "§17.2.1 a retransmitted INVITE in Completed gets the final response",
            reliability: .reliable, steps: [Step(0, .respond(180), ["send 180"]), Step(1, .respond(603), ["send 603"]), Step(2, .invite, ["send 603"])],
            state: .completed, timers: ["H@33.0"]),
        Row(
            rfc: "§17.2.1 Timer G re-sends the final response and doubles",
            reliability: .unreliable, steps: [Step(0, .respond(404), ["send 404"]), Step(0.5, .advance, ["send 404"])],
            state: .completed, timers: ["G@1.5", "H@32.0"]),
        Row(
            rfc: "§17.2.1 Timer H: no ACK, the TU learns of the failure",
            reliability: .reliable, steps: [Step(0, .respond(500), ["send 500"]), Step(32, .advance, ["timeout H", "terminated"])],
            state: .terminated, timers: []),
        Row(
            rfc: "§17.2.1 nothing fires before H is due",
            reliability: .reliable, steps: [Step(0, .respond(500), ["send 500"]), Step(31.999_999_999, .advance, [])],
            state: .completed, timers: ["H@32.0"]),
        Row(
            rfc: "§17.2.1 the TU's later responses are dropped in Completed",
            reliability: .unreliable, steps: [Step(0, .respond(486), ["send 486"]), Step(1, .respond(200), []), Step(1, .respond(180), [])],
            state: .completed, timers: ["G@0.5", "H@32.0"]),
        Row(
            rfc: "§17.2.4 transport error in Completed: inform the TU, terminate",
            reliability: .unreliable, steps: [Step(0, .respond(486), ["send 486"]), Step(0.1, .transportError, ["transport error", "terminated"])],
            state: .terminated, timers: []),
        // Confirmed
        Row(
            rfc: "§17.2.1 ACK → Confirmed: G stops, I = T4 absorbs ACK retransmissions",
            reliability: .unreliable, steps: [Step(0, .respond(486), ["send 486"]), Step(1, .ack, [])], state: .confirmed, timers: ["I@6.0"]),
        Row(
            rfc: "§17.2.1 ACK retransmissions are absorbed in Confirmed",
            reliability: .unreliable,
            steps: [Step(0, .respond(486), ["send 486"]), Step(1, .ack, []), Step(2, .ack, []), Step(3, .invite, [])],
            state: .confirmed, timers: ["I@6.0"]),
        Row(
            rfc: "§17.2.1 Timer I ends Confirmed quietly",
            reliability: .unreliable,
            steps: [Step(0, .respond(486), ["send 486"]), Step(1, .ack, []), Step(5.999, .advance, []), Step(6, .advance, ["terminated"])],
            state: .terminated, timers: []),
        Row(
            rfc: "§17.2.1 I = 0 over a reliable transport: the ACK terminates at once",
            reliability: .reliable, steps: [Step(0, .respond(486), ["send 486"]), Step(1, .ack, ["terminated"])], state: .terminated, timers: []),
        // Accepted (RFC 6026)
        Row(
            rfc: "RFC 6026 §7.1 a 2xx → Accepted with Timer L = 64·T1",
            reliability: .unreliable, steps: [Step(0, .respond(180), ["send 180"]), Step(1, .respond(200), ["send 200"])],
            state: .accepted, timers: ["L@33.0"]),
        Row(
            rfc: "RFC 6026 §7.1 Accepted over a reliable transport also waits for L",
            reliability: .reliable, steps: [Step(0, .respond(200), ["send 200"])], state: .accepted, timers: ["L@32.0"]),
        Row(
            rfc: "RFC 6026 §7.1 INVITE retransmissions are absorbed in Accepted",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(0.5, .invite, []), Step(4, .invite, [])],
            state: .accepted, timers: ["L@32.0"]),
        Row(
            rfc: "RFC 6026 §7.1 the transaction does not retransmit the 2xx itself",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(31.9, .advance, [])], state: .accepted, timers: ["L@32.0"]),
        Row(
            rfc: "RFC 6026 §7.1 the TU's 2xx retransmissions are sent",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(0.5, .respond(200), ["send 200"]), Step(1.5, .respond(202), ["send 202"])],
            state: .accepted, timers: ["L@32.0"]),
        Row(
            rfc: "RFC 6026 §7.1 a non-2xx from the TU in Accepted is dropped",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(1, .respond(486), []), Step(1, .respond(180), [])],
            state: .accepted, timers: ["L@32.0"]),
        Row(
            rfc: "RFC 6026 §7.1 an ACK in Accepted goes to the TU, every time",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(1, .ack, ["pass ACK"]), Step(2, .ack, ["pass ACK"])],
            state: .accepted, timers: ["L@32.0"]),
        Row(
            rfc: "RFC 6026 §7.1 Timer L ends Accepted quietly",
            reliability: .reliable, steps: [Step(0, .respond(200), ["send 200"]), Step(32, .advance, ["terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "RFC 6026 §7.1 a transport error in Accepted is reported; the state still absorbs INVITEs",
            reliability: .unreliable, steps: [Step(0, .respond(200), ["send 200"]), Step(1, .transportError, ["transport error"]), Step(2, .invite, [])],
            state: .accepted, timers: ["L@32.0"]),
        // Terminated
        Row(
            rfc: "§17.2.1 nothing reaches a terminated transaction",
            reliability: .reliable,
            steps: [
                Step(0, .respond(486), ["send 486"]), Step(1, .ack, ["terminated"]), Step(2, .invite, []), Step(2, .ack, []),
                Step(2, .respond(200), []), Step(40, .advance, []), Step(40, .transportError, []),
            ],
            state: .terminated, timers: []),
    ]

    @Test("every state and timer", arguments: rows)
    func scenario(_ row: Row) throws {
        let invite = try RequestSpec().message
        let ack = try RequestSpec().with { $0.method = "ACK"; $0.toTag = "srv-8a3f" }.message
        var transaction = InviteServerTransaction(reliability: row.reliability, timers: defaultTimers)
        #expect(transaction.state == .proceeding)
        for step in row.steps {
            let now = at(step.time)
            let actions: [TransactionAction]
            switch step.event {
            case .respond(let code): actions = transaction.respond(try outgoingResponse(code, to: invite), now: now)
            case .invite: actions = transaction.receiveRetransmission(now: now)
            case .ack: actions = transaction.receiveACK(ack, now: now)
            case .advance: actions = transaction.advance(to: now)
            case .transportError: actions = transaction.transportError(now: now)
            }
            #expect(describe(actions) == step.expect, "\(row.rfc): \(step.event) at \(step.time)")
        }
        #expect(transaction.state == row.state, "\(row.rfc)")
        #expect(describe(transaction.pendingTimers) == row.timers, "\(row.rfc)")
        #expect(transaction.nextDeadline == transaction.pendingTimers.first?.deadline)
    }

    struct ScheduleRow: Sendable, CustomTestStringConvertible {
        let t1: Duration
        let t2: Duration
        let retransmissions: [Double]
        let timeout: Double
        let rfc: String
        var testDescription: String { rfc }
    }

    static let schedules: [ScheduleRow] = [
        ScheduleRow(
            t1: .milliseconds(500), t2: .seconds(4),
            retransmissions: [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], timeout: 32,
            rfc: "§17.2.1 G: T1, doubling, capped at T2 = 4 s; H at 64·T1"),
        ScheduleRow(
            t1: .milliseconds(100), t2: .milliseconds(400),
            retransmissions: [0.1, 0.3, 0.7, 1.1, 1.5, 1.9, 2.3, 2.7, 3.1, 3.5, 3.9, 4.3, 4.7, 5.1, 5.5, 5.9, 6.3], timeout: 6.4,
            rfc: "§17.2.1 with T1 = 100 ms, T2 = 400 ms"),
        ScheduleRow(
            t1: .seconds(1), t2: .seconds(1),
            retransmissions: Array(1...63).map(Double.init), timeout: 64,
            rfc: "§17.2.1 T2 = T1: a fixed interval from the start"),
    ]

    @Test("Timer G fires at exact instants until Timer H", arguments: schedules)
    func timerGSchedule(_ row: ScheduleRow) throws {
        let timers = try TransactionTimers(t1: row.t1, t2: row.t2)
        let invite = try RequestSpec().message
        var transaction = InviteServerTransaction(reliability: .unreliable, timers: timers)
        _ = transaction.respond(try outgoingResponse(480, to: invite), now: at(0))
        var fired: [Double] = []
        while let deadline = transaction.nextDeadline {
            // Nothing is due a nanosecond early.
            #expect(transaction.advance(to: SIPInstant(nanoseconds: deadline.nanoseconds - 1)).isEmpty)
            let actions = transaction.advance(to: deadline)
            if describe(actions) == ["send 480"] {
                fired.append(seconds(deadline))
            } else {
                #expect(describe(actions) == ["timeout H", "terminated"], "\(row.rfc)")
                #expect(seconds(deadline) == row.timeout, "\(row.rfc)")
            }
        }
        #expect(fired == row.retransmissions, "\(row.rfc)")
        #expect(transaction.state == .terminated)
    }

    @Test("§17.2.1 a late advance fires every due timer in order, G before H")
    func lateAdvanceFiresEverything() throws {
        let invite = try RequestSpec().message
        var transaction = InviteServerTransaction(reliability: .unreliable)
        _ = transaction.respond(try outgoingResponse(486, to: invite), now: at(10))
        let actions = transaction.advance(to: at(100))
        #expect(describe(actions) == Array(repeating: "send 486", count: 10) + ["timeout H", "terminated"])
        #expect(transaction.state == .terminated)
        #expect(transaction.nextDeadline == nil)
    }

    @Test("§17.2.1 retransmissions carry the very bytes the TU sent")
    func retransmissionsAreTheSameBytes() throws {
        let invite = try RequestSpec().message
        var transaction = InviteServerTransaction(reliability: .unreliable)
        let response = try outgoingResponse(486, to: invite, toTag: "abc")
        let first = sent(transaction.respond(response, now: at(0)))
        let timerG = sent(transaction.advance(to: at(0.5)))
        let answered = sent(transaction.receiveRetransmission(now: at(0.6)))
        #expect(first == [response.serialized])
        #expect(timerG == first)
        #expect(answered == first)
    }

    @Test("RFC 6026 §7.1 the ACK passed up is the one received")
    func acceptedPassesTheACK() throws {
        let invite = try RequestSpec().message
        let ack = try RequestSpec().with { $0.method = "ACK"; $0.toTag = "srv-8a3f"; $0.branch = "z9hG4bKack2xx" }.message
        var transaction = InviteServerTransaction(reliability: .reliable)
        _ = transaction.respond(try outgoingResponse(200, to: invite), now: at(0))
        let actions = transaction.receiveACK(ack, now: at(1))
        guard case .passACK(let passed) = try #require(actions.first) else {
            Issue.record("expected passACK, got \(actions)")
            return
        }
        #expect(passed.bytes == ack.bytes)
    }

    @Test("the raw respond(statusCode:bytes:) takes the same transitions")
    func rawResponse() {
        var transaction = InviteServerTransaction(reliability: .unreliable)
        let bytes = ByteBuffer(string: "SIP/2.0 503 Service Unavailable\r\n\r\n")
        #expect(sent(transaction.respond(statusCode: 503, bytes: bytes, now: at(0))) == [bytes])
        #expect(transaction.state == .completed)
        #expect(describe(transaction.pendingTimers) == ["G@0.5", "H@32.0"])
    }
}
