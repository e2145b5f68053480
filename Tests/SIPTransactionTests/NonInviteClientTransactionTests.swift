import NIOCore
import SIPCore
import SIPTransaction
import Testing

/// The non-INVITE client transaction (RFC 3261 §17.1.2).
@Suite("Non-INVITE client transaction")
struct NonInviteClientTransactionTests {
    enum Event: Sendable, CustomStringConvertible {
        case response(Int)
        case advance
        case transportError

        var description: String {
            switch self {
            case .response(let code): return "\(code) arrives"
            case .advance: return "advance"
            case .transportError: return "transport error"
            }
        }
    }

    typealias Step = TransactionStep<Event>

    typealias Row = TransactionRow<NonInviteClientTransaction.State, Event>

    static let rows: [Row] = [
        // Trying
        Row(
            rfc: "§17.1.2.2 Trying arms E = T1 and F = 64·T1", reliability: .unreliable, steps: [],
            state: .trying, timers: ["E@0.5", "F@32.0"]),
        Row(
            rfc: "§17.1.2.2 no Timer E over a reliable transport", reliability: .reliable, steps: [],
            state: .trying, timers: ["F@32.0"]),
        Row(
            rfc: "§17.1.2.2 Timer E re-sends the request and doubles", reliability: .unreliable,
            steps: [Step(0.5, .advance, ["send REGISTER"]), Step(1.5, .advance, ["send REGISTER"]), Step(3.5, .advance, ["send REGISTER"])],
            state: .trying, timers: ["E@7.5", "F@32.0"]),
        Row(
            rfc: "§17.1.2.2 Timer F in Trying: timeout", reliability: .reliable,
            steps: [Step(31.9, .advance, []), Step(32, .advance, ["timeout F", "terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "§17.1.4 transport error in Trying", reliability: .unreliable,
            steps: [Step(0.1, .transportError, ["transport error", "terminated"])], state: .terminated, timers: []),
        // Proceeding
        Row(
            rfc: "§17.1.2.2 a provisional → Proceeding: passed up, E and F keep running", reliability: .unreliable,
            steps: [Step(0.2, .response(100), ["pass 100"])], state: .proceeding, timers: ["E@0.5", "F@32.0"]),
        Row(
            rfc: "§17.1.2.2 Timer E in Proceeding re-arms with T2", reliability: .unreliable,
            steps: [Step(0.2, .response(100), ["pass 100"]), Step(0.5, .advance, ["send REGISTER"])], state: .proceeding, timers: ["E@4.5", "F@32.0"]),
        Row(
            rfc: "§17.1.2.2 more provisionals are passed up in Proceeding", reliability: .reliable,
            steps: [Step(0.2, .response(100), ["pass 100"]), Step(1, .response(180), ["pass 180"])], state: .proceeding, timers: ["F@32.0"]),
        Row(
            rfc: "§17.1.2.2 Timer F in Proceeding: timeout", reliability: .reliable,
            steps: [Step(0.2, .response(100), ["pass 100"]), Step(32, .advance, ["timeout F", "terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "§17.1.4 transport error in Proceeding", reliability: .reliable,
            steps: [Step(0.2, .response(100), ["pass 100"]), Step(1, .transportError, ["transport error", "terminated"])], state: .terminated, timers: []),
        // Completed
        Row(
            rfc: "§17.1.2.2 a final response in Trying → Completed: passed up, E and F stop, K = T4", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"])], state: .completed, timers: ["K@6.0"]),
        Row(
            rfc: "§17.1.2.2 a final response in Proceeding → Completed", reliability: .unreliable,
            steps: [Step(0.2, .response(100), ["pass 100"]), Step(2, .response(404), ["pass 404"])], state: .completed, timers: ["K@7.0"]),
        Row(
            rfc: "§17.1.2.2 response retransmissions are absorbed in Completed", reliability: .unreliable,
            steps: [Step(1, .response(401), ["pass 401"]), Step(2, .response(401), []), Step(2, .response(100), []), Step(3, .response(200), [])],
            state: .completed, timers: ["K@6.0"]),
        Row(
            rfc: "§17.1.2.2 no retransmission in Completed", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"]), Step(5.9, .advance, [])], state: .completed, timers: ["K@6.0"]),
        Row(
            rfc: "§17.1.2.2 Timer K ends Completed quietly", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"]), Step(6, .advance, ["terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "§17.1.2.2 K = 0 over a reliable transport: terminated with the final response", reliability: .reliable,
            steps: [Step(1, .response(603), ["pass 603", "terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "§17.1.4 transport error in Completed", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"]), Step(2, .transportError, ["transport error", "terminated"])], state: .terminated, timers: []),
        // Terminated
        Row(
            rfc: "§17.1.2.2 nothing reaches a terminated transaction", reliability: .reliable,
            steps: [Step(1, .response(200), ["pass 200", "terminated"]), Step(2, .response(200), []), Step(50, .advance, []), Step(50, .transportError, [])],
            state: .terminated, timers: []),
    ]

    @Test("every state and timer", arguments: rows)
    func scenario(_ row: Row) throws {
        let request = try RequestSpec().with { $0.method = "REGISTER"; $0.uri = "sip:registrar.biloxi.example.com" }.message
        var transaction = NonInviteClientTransaction(request: request, reliability: row.reliability, timers: defaultTimers, now: at(0))
        #expect(transaction.state == .trying)
        for step in row.steps {
            let now = at(step.time)
            let actions: [TransactionAction]
            switch step.event {
            case .response(let code): actions = transaction.receive(response: try incomingResponse(code, to: request), now: now)
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
        let provisionalAt: Double?
        let retransmissions: [Double]
        let rfc: String
        var testDescription: String { rfc }
    }

    static let schedules: [ScheduleRow] = [
        ScheduleRow(
            provisionalAt: nil, retransmissions: [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5],
            rfc: "§17.1.2.2 Trying: E at T1, doubling, capped at T2; F at 32 s"),
        ScheduleRow(
            provisionalAt: 1.0, retransmissions: [0.5, 1.5, 5.5, 9.5, 13.5, 17.5, 21.5, 25.5, 29.5],
            rfc: "§17.1.2.2 Proceeding from 1 s: E every T2 after its next firing"),
        ScheduleRow(
            provisionalAt: 0.1, retransmissions: [0.5, 4.5, 8.5, 12.5, 16.5, 20.5, 24.5, 28.5],
            rfc: "§17.1.2.2 Proceeding before the first E"),
    ]

    @Test("Timer E fires at exact instants until Timer F", arguments: schedules)
    func timerESchedule(_ row: ScheduleRow) throws {
        let request = try RequestSpec().with { $0.method = "OPTIONS" }.message
        var transaction = NonInviteClientTransaction(request: request, reliability: .unreliable, now: at(0))
        var fired: [Double] = []
        var ending: [String] = []
        var provisionalSent = false
        while let deadline = transaction.nextDeadline {
            if let provisionalAt = row.provisionalAt, !provisionalSent, at(provisionalAt) < deadline {
                provisionalSent = true
                #expect(describe(transaction.receive(response: try incomingResponse(100, to: request), now: at(provisionalAt))) == ["pass 100"])
                continue
            }
            #expect(transaction.advance(to: SIPInstant(nanoseconds: deadline.nanoseconds - 1)).isEmpty)
            let actions = transaction.advance(to: deadline)
            if sent(actions) == [request.bytes] {
                fired.append(seconds(deadline))
            } else {
                ending = describe(actions)
                #expect(seconds(deadline) == 32, "\(row.rfc)")
            }
        }
        #expect(fired == row.retransmissions, "\(row.rfc)")
        #expect(ending == ["timeout F", "terminated"], "\(row.rfc)")
    }

    @Test("§17.1.2.2 a late advance fires every due timer in order")
    func lateAdvance() throws {
        let request = try RequestSpec().with { $0.method = "BYE" }.message
        var transaction = NonInviteClientTransaction(request: request, reliability: .unreliable, now: at(0))
        #expect(describe(transaction.advance(to: at(8))) == Array(repeating: "send BYE", count: 4))
        #expect(describe(transaction.pendingTimers) == ["E@11.5", "F@32.0"])
        #expect(describe(transaction.advance(to: at(60))) == Array(repeating: "send BYE", count: 6) + ["timeout F", "terminated"])
    }

    @Test("§17.1.2.2 when E and F fall due together, F wins: no retransmission as it gives up")
    func timeoutBeatsRetransmission() throws {
        // T1 = T2 = 1 s: E fires every second and its 64th firing coincides with F = 64 s.
        let request = try RequestSpec().with { $0.method = "OPTIONS" }.message
        var transaction = NonInviteClientTransaction(
            request: request, reliability: .unreliable, timers: try TransactionTimers(t1: .seconds(1), t2: .seconds(1)), now: at(0))
        _ = transaction.advance(to: at(63))
        #expect(describe(transaction.pendingTimers) == ["F@64.0", "E@64.0"])
        #expect(describe(transaction.advance(to: at(64))) == ["timeout F", "terminated"])
    }
}
