import NIOCore
import SIPCore
import SIPTestSupport
import SIPTransaction
import Testing

/// The INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2).
@Suite("INVITE client transaction")
struct InviteClientTransactionTests {
    enum Event: Sendable, CustomStringConvertible {
        /// A response with this status arrives.
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

    typealias Row = TransactionRow<InviteClientTransaction.State, Event>

    static let rows: [Row] = [
        // Calling
        Row(
            rfc: "§17.1.1.2 Calling arms A = T1 and B = 64·T1", reliability: .unreliable, steps: [],
            state: .calling, timers: ["A@0.5", "B@32.0"]),
        Row(
            rfc: "§17.1.1.2 no Timer A over a reliable transport", reliability: .reliable, steps: [],
            state: .calling, timers: ["B@32.0"]),
        Row(
            rfc: "§17.1.1.2 Timer A re-sends the INVITE and doubles", reliability: .unreliable,
            steps: [Step(0.5, .advance, ["send INVITE"]), Step(1.5, .advance, ["send INVITE"])],
            state: .calling, timers: ["A@3.5", "B@32.0"]),
        Row(
            rfc: "§17.1.1.2 Timer B: the TU learns of the timeout", reliability: .reliable,
            steps: [Step(31.999, .advance, []), Step(32, .advance, ["timeout B", "terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "§17.1.4 transport error in Calling", reliability: .unreliable,
            steps: [Step(0.1, .transportError, ["transport error", "terminated"])], state: .terminated, timers: []),
        // Proceeding
        Row(
            rfc: "§17.1.1.2 a provisional response → Proceeding: passed up, A and B stop", reliability: .unreliable,
            steps: [Step(0.2, .response(100), ["pass 100"])], state: .proceeding, timers: []),
        Row(
            rfc: "§17.1.1.2 more provisionals are passed up in Proceeding", reliability: .unreliable,
            steps: [Step(0.2, .response(100), ["pass 100"]), Step(1, .response(180), ["pass 180"]), Step(2, .response(183), ["pass 183"])],
            state: .proceeding, timers: []),
        Row(
            rfc: "§17.1.1.2 no retransmission and no timeout in Proceeding", reliability: .unreliable,
            steps: [Step(0.2, .response(180), ["pass 180"]), Step(300, .advance, [])], state: .proceeding, timers: []),
        Row(
            rfc: "§17.1.4 transport error in Proceeding", reliability: .reliable,
            steps: [Step(0.2, .response(180), ["pass 180"]), Step(1, .transportError, ["transport error", "terminated"])],
            state: .terminated, timers: []),
        // Completed
        Row(
            rfc: "§17.1.1.2 3xx-6xx in Calling: passed up, ACK sent, D = 32 s", reliability: .unreliable,
            steps: [Step(1, .response(486), ["pass 486", "send ACK"])], state: .completed, timers: ["D@33.0"]),
        Row(
            rfc: "§17.1.1.2 3xx-6xx in Proceeding: passed up, ACK sent", reliability: .unreliable,
            steps: [Step(0.2, .response(180), ["pass 180"]), Step(5, .response(302), ["pass 302", "send ACK"])],
            state: .completed, timers: ["D@37.0"]),
        Row(
            rfc: "§17.1.1.2 retransmitted final responses get the ACK again, not passed up", reliability: .unreliable,
            steps: [Step(1, .response(603), ["pass 603", "send ACK"]), Step(1.5, .response(603), ["send ACK"]), Step(2.5, .response(603), ["send ACK"])],
            state: .completed, timers: ["D@33.0"]),
        Row(
            rfc: "§17.1.1.2 provisionals and 2xx are ignored in Completed", reliability: .unreliable,
            steps: [Step(1, .response(404), ["pass 404", "send ACK"]), Step(2, .response(180), []), Step(2, .response(200), [])],
            state: .completed, timers: ["D@33.0"]),
        Row(
            rfc: "§17.1.1.2 Timer D ends Completed quietly", reliability: .unreliable,
            steps: [Step(1, .response(404), ["pass 404", "send ACK"]), Step(32.9, .advance, []), Step(33, .advance, ["terminated"])],
            state: .terminated, timers: []),
        Row(
            rfc: "§17.1.1.2 D = 0 over a reliable transport: terminated after the ACK", reliability: .reliable,
            steps: [Step(1, .response(500), ["pass 500", "send ACK", "terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "§17.1.4 transport error in Completed (the ACK could not be sent)", reliability: .unreliable,
            steps: [Step(1, .response(404), ["pass 404", "send ACK"]), Step(1, .transportError, ["transport error", "terminated"])],
            state: .terminated, timers: []),
        // Accepted (RFC 6026)
        Row(
            rfc: "RFC 6026 §7.2 a 2xx in Calling → Accepted, M = 64·T1, no ACK from the transaction", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"])], state: .accepted, timers: ["M@33.0"]),
        Row(
            rfc: "RFC 6026 §7.2 a 2xx in Proceeding → Accepted", reliability: .reliable,
            steps: [Step(0.2, .response(180), ["pass 180"]), Step(4, .response(200), ["pass 200"])], state: .accepted, timers: ["M@36.0"]),
        Row(
            rfc: "RFC 6026 §7.2 further 2xx (retransmissions, forks) are passed up", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"]), Step(1.5, .response(200), ["pass 200"]), Step(2, .response(202), ["pass 202"])],
            state: .accepted, timers: ["M@33.0"]),
        Row(
            rfc: "RFC 6026 §7.2 non-2xx responses are dropped in Accepted", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"]), Step(2, .response(180), []), Step(2, .response(486), [])],
            state: .accepted, timers: ["M@33.0"]),
        Row(
            rfc: "RFC 6026 §7.2 Timer M ends Accepted quietly", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"]), Step(33, .advance, ["terminated"])], state: .terminated, timers: []),
        Row(
            rfc: "RFC 6026 §7.2 a transport error in Accepted is reported; 2xx still go up", reliability: .unreliable,
            steps: [Step(1, .response(200), ["pass 200"]), Step(2, .transportError, ["transport error"]), Step(3, .response(200), ["pass 200"])],
            state: .accepted, timers: ["M@33.0"]),
        // Terminated
        Row(
            rfc: "§17.1.1.2 nothing reaches a terminated transaction", reliability: .reliable,
            steps: [Step(32, .advance, ["timeout B", "terminated"]), Step(33, .response(200), []), Step(33, .response(486), []), Step(99, .advance, []), Step(99, .transportError, [])],
            state: .terminated, timers: []),
    ]

    @Test("every state and timer", arguments: rows)
    func scenario(_ row: Row) throws {
        let invite = try RequestSpec().message
        var transaction = try InviteClientTransaction(request: invite, reliability: row.reliability, timers: defaultTimers, now: at(0))
        #expect(transaction.state == .calling)
        for step in row.steps {
            let now = at(step.time)
            let actions: [TransactionAction]
            switch step.event {
            case .response(let code): actions = transaction.receive(response: try incomingResponse(code, to: invite), now: now)
            case .advance: actions = transaction.advance(to: now)
            case .transportError: actions = transaction.transportError(now: now)
            }
            #expect(describe(actions) == step.expect, "\(row.rfc): \(step.event) at \(step.time)")
        }
        #expect(transaction.state == row.state, "\(row.rfc)")
        #expect(describe(transaction.pendingTimers) == row.timers, "\(row.rfc)")
        #expect(transaction.nextDeadline == transaction.pendingTimers.first?.deadline)
    }

    @Test("§17.1.1.2 Timer A: 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s (doubling, no cap), then B at 32 s")
    func timerASchedule() throws {
        let invite = try RequestSpec().message
        var transaction = try InviteClientTransaction(request: invite, reliability: .unreliable, now: at(0))
        var fired: [Double] = []
        var ending: [String] = []
        while let deadline = transaction.nextDeadline {
            #expect(transaction.advance(to: SIPInstant(nanoseconds: deadline.nanoseconds - 1)).isEmpty)
            let actions = transaction.advance(to: deadline)
            let sentBytes = sent(actions)
            if !sentBytes.isEmpty {
                #expect(sentBytes == [invite.bytes])
                fired.append(seconds(deadline))
            } else {
                ending = describe(actions)
                #expect(seconds(deadline) == 32)
            }
        }
        #expect(fired == [0.5, 1.5, 3.5, 7.5, 15.5, 31.5])
        #expect(ending == ["timeout B", "terminated"])
    }

    @Test("§17.1.1.2 Timer A with T1 = 2 s: 2, 6, 14, 30, 62, 126 s; B at 128 s")
    func timerAScheduleScaled() throws {
        let invite = try RequestSpec().message
        var transaction = try InviteClientTransaction(
            request: invite, reliability: .unreliable, timers: try TransactionTimers(t1: .seconds(2), t2: .seconds(4)), now: at(0))
        let actions = transaction.advance(to: at(1000))
        #expect(describe(actions) == Array(repeating: "send INVITE", count: 6) + ["timeout B", "terminated"])
        var replay = try InviteClientTransaction(
            request: invite, reliability: .unreliable, timers: try TransactionTimers(t1: .seconds(2), t2: .seconds(4)), now: at(0))
        var instants: [Double] = []
        while let deadline = replay.nextDeadline, replay.state == .calling {
            instants.append(seconds(deadline))
            _ = replay.advance(to: deadline)
        }
        #expect(instants == [2, 6, 14, 30, 62, 126, 128])
    }

    // MARK: - The ACK for a non-2xx (§17.1.1.3)

    static let routedInvite = RequestSpec().with {
        $0.routes = ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>, <sip:p3.example.com;lr>"]
        $0.lowerVias = ["Via: SIP/2.0/UDP upstream.example.com;branch=z9hG4bKupstream1"]
        $0.cseq = 4711
        $0.uri = "sip:bob@192.0.2.4:5070;transport=udp"
    }

    @Test("§17.1.1.3 the ACK repeats the INVITE's Request-URI, Call-ID, From, top Via, Route and CSeq number")
    func ackHeaders() throws {
        var invite = try Self.routedInvite.message
        var response = try incomingResponse(486, to: invite, toTag: "callee-7")
        var transaction = try InviteClientTransaction(request: invite, reliability: .unreliable, now: at(0))
        let actions = transaction.receive(response: response, now: at(1))
        let bytes = try #require(sent(actions).first)
        var ack = try SIPMessage(parsing: bytes)
        #expect(ack.method == .ack)
        #expect(ack.requestURIText == invite.requestURIText)
        #expect(ack.requestURIText == "sip:bob@192.0.2.4:5070;transport=udp")
        let vias = try ack.via()
        #expect(vias.count == 1, "one Via: the INVITE's top Via")
        #expect(vias.first?.text == (try invite.topVia().text))
        #expect(vias.first?.branch == "z9hG4bK74bf9")
        #expect(try ack.routes().map(\.text) == (try invite.routes().map(\.text)))
        #expect(try ack.routes().count == 3)
        #expect(ack.headers.values(.route) == invite.headers.values(.route))
        #expect(ack.headers.values(.from) == invite.headers.values(.from))
        #expect(ack.headers.values(.to) == response.headers.values(.to))
        #expect(try ack.to().tag == "callee-7")
        #expect(try ack.from().tag == "9fxced76sl")
        #expect(try ack.callID() == (try invite.callID()))
        #expect(try ack.cseq() == SIPCSeq(sequence: 4711, method: .ack))
        #expect(try ack.maxForwards() == 70)
        #expect(ack.contentLength == 0)
        #expect(ack.body.readableBytes == 0)
        #expect(!ack.headers.contains(.contact), "§17.1.1.3 lists no Contact")
        _ = try response.cseq()
    }

    @Test("§17.1.1.3 a retransmitted final response gets the same ACK bytes")
    func ackIsRepeatedVerbatim() throws {
        let invite = try Self.routedInvite.message
        let response = try incomingResponse(404, to: invite)
        var transaction = try InviteClientTransaction(request: invite, reliability: .unreliable, now: at(0))
        let first = sent(transaction.receive(response: response, now: at(1)))
        let again = sent(transaction.receive(response: response, now: at(2)))
        #expect(first.count == 1)
        #expect(again == first)
    }

    @Test("§17.1.1.3 with RFC 3261 §7.3.1 a folded top Via becomes one line in the ACK")
    func ackUnfoldsVia() throws {
        let text = RequestSpec().text.replacing(
            "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK74bf9",
            with: "Via: SIP/2.0/UDP\r\n   pc33.atlanta.example.com:5060\r\n\t;branch=z9hG4bK74bf9")
        let invite = try SIPMessage(parsing: text)
        #expect(text.contains("\r\n   pc33"), "the fixture folds the Via")
        var transaction = try InviteClientTransaction(request: invite, reliability: .reliable, now: at(0))
        let bytes = try #require(sent(transaction.receive(response: try incomingResponse(480, to: invite), now: at(1))).first)
        let ackText = String(buffer: bytes)
        #expect(ackText.contains("\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com:5060 ;branch=z9hG4bK74bf9\r\n"))
        var ack = try SIPMessage(parsing: bytes)
        #expect(try ack.topVia().branch == "z9hG4bK74bf9")
        #expect(try ack.topVia().host == "pc33.atlanta.example.com")
    }

    @Test("§8.1.1.2 a final response without To cannot be acknowledged: it is discarded")
    func responseWithoutToIsDiscarded() throws {
        let invite = try RequestSpec().message
        let response = try SIPMessage(
            parsing: SampleMessages.message([
                "SIP/2.0 486 Busy Here",
                "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK74bf9",
                "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl",
                "Call-ID: 3848276298220188511@atlanta.example.com",
                "CSeq: 1 INVITE",
            ]))
        var transaction = try InviteClientTransaction(request: invite, reliability: .unreliable, now: at(0))
        #expect(transaction.receive(response: response, now: at(1)).isEmpty)
        #expect(transaction.state == .calling)
        #expect(describe(transaction.pendingTimers) == ["A@0.5", "B@32.0"])
    }

    @Test("§17.1.1.3 an INVITE without what the ACK repeats is refused at the start")
    func inviteWithoutCallIDIsRefused() throws {
        let text = RequestSpec().text.replacing("Call-ID: 3848276298220188511@atlanta.example.com\r\n", with: "")
        let invite = try SIPMessage(parsing: text)
        #expect(throws: SIPParseError.self) {
            _ = try InviteClientTransaction(request: invite, reliability: .unreliable, now: at(0))
        }
    }

    @Test("a request passed as a response is ignored")
    func requestIsNotAResponse() throws {
        let invite = try RequestSpec().message
        var transaction = try InviteClientTransaction(request: invite, reliability: .unreliable, now: at(0))
        #expect(transaction.receive(response: invite, now: at(0.1)).isEmpty)
        #expect(transaction.state == .calling)
    }
}
