import NIOCore
import SIPCore
import SIPTestSupport
import Testing

@testable import SIPTransaction

/// Routing requests to server transactions (RFC 3261 §17.2.3, §9.2, RFC 6026 §7.1).
@Suite("Transaction table: server side")
struct TransactionTableServerTests {
    struct Setup: Sendable {
        let request: RequestSpec
        /// The TU's response, if any.
        let response: Int?
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let rfc: String
        let setup: [Setup]
        let probe: RequestSpec
        let outcome: String
        /// The state of the first transaction of the setup afterwards.
        let firstState: String?
        var testDescription: String { rfc }

        init(_ rfc: String, _ setup: [(RequestSpec, Int?)], _ probe: RequestSpec, _ outcome: String, firstState: String? = nil) {
            self.rfc = rfc
            self.setup = setup.map { Setup(request: $0.0, response: $0.1) }
            self.probe = probe
            self.outcome = outcome
            self.firstState = firstState
        }
    }

    static let invite = RequestSpec()
    static let ack = invite.with { $0.method = "ACK"; $0.toTag = "srv-8a3f" }
    static let cancel = invite.with { $0.method = "CANCEL" }
    static let options = invite.with { $0.method = "OPTIONS"; $0.branch = "z9hG4bKopt1" }
    static let legacy = invite.with { $0.branch = nil }
    static let legacyACK = legacy.with { $0.method = "ACK"; $0.toTag = "srv-8a3f" }

    static let rows: [Row] = [
        Row("§17.2.1 a new INVITE: a transaction, and 100 Trying at once", [], invite, #"created ["send 100", "pass INVITE"]"#, firstState: nil),
        Row("§17.2.1 a retransmitted INVITE gets the 100 again", [(invite, nil)], invite, #"matched #0 ["send 100"]"#, firstState: "inviteServer.proceeding"),
        Row("§17.2.1 a retransmitted INVITE gets the latest provisional", [(invite, 180)], invite, #"matched #0 ["send 180"]"#),
        Row("§17.2.1 a retransmitted INVITE in Completed gets the final response", [(invite, 486)], invite, #"matched #0 ["send 486"]"#),
        Row("§17.2.1 the ACK for a non-2xx is absorbed: Confirmed", [(invite, 486)], ack, "matched #0 []", firstState: "inviteServer.confirmed"),
        Row("§17.2.1 an ACK retransmission in Confirmed is absorbed", [(invite, 486), (ack, nil)], ack, "matched #0 []", firstState: "inviteServer.confirmed"),
        Row("RFC 6026 §7.1 an INVITE retransmission in Accepted is absorbed", [(invite, 200)], invite, "matched #0 []", firstState: "inviteServer.accepted"),
        Row("RFC 6026 §7.1 an ACK reaching an Accepted INVITE goes to the TU", [(invite, 200)], ack, #"matched #0 ["pass ACK"]"#, firstState: "inviteServer.accepted"),
        Row(
            "§17.2.3 the ACK for a 2xx has its own branch: no transaction", [(invite, 200)],
            ack.with { $0.branch = "z9hG4bKack200" }, "ACK without transaction", firstState: "inviteServer.accepted"),
        Row("§17.2.3 an ACK never creates a transaction", [], ack, "ACK without transaction"),
        Row("§17.2.2 a new non-INVITE: a transaction, passed to the TU, nothing sent", [], options, #"created ["pass OPTIONS"]"#),
        Row("§17.2.2 a retransmission in Trying is absorbed", [(options, nil)], options, "matched #0 []", firstState: "nonInviteServer.trying"),
        Row("§17.2.2 a retransmission in Proceeding gets the provisional", [(options, 100)], options, #"matched #0 ["send 100"]"#),
        Row("§17.2.2 a retransmission in Completed gets the final response", [(options, 200)], options, #"matched #0 ["send 200"]"#, firstState: "nonInviteServer.completed"),
        Row("§17.2.3 the same branch with another method is a new transaction", [(options, nil)], options.with { $0.method = "INFO" }, #"created ["pass INFO"]"#),
        Row("§17.2.3 the same branch from another sent-by is a new transaction", [(invite, nil)], invite.with { $0.sentBy = "192.0.2.99" }, #"created ["send 100", "pass INVITE"]"#),
        Row("§9.2 a CANCEL finds the INVITE it cancels", [(invite, 180)], cancel, #"cancel of #0 ["pass CANCEL"]"#, firstState: "inviteServer.proceeding"),
        Row("§9.2 a CANCEL for an answered INVITE still finds it (the TU answers 200, no 487)", [(invite, 200)], cancel, #"cancel of #0 ["pass CANCEL"]"#),
        Row("§9.2 a CANCEL without its INVITE: answer 481", [], cancel, #"cancel without INVITE ["pass CANCEL"]"#),
        Row("§9.2 a CANCEL with another branch matches no INVITE", [(invite, 180)], cancel.with { $0.branch = "z9hG4bKother" }, #"cancel without INVITE ["pass CANCEL"]"#),
        Row("§9.2 a retransmitted CANCEL gets its 200 again", [(invite, 180), (cancel, 200)], cancel, #"matched #1 ["send 200"]"#),
        Row("§9.2 a CANCEL does not cancel a non-INVITE", [(options, nil)], options.with { $0.method = "CANCEL" }, #"cancel without INVITE ["pass CANCEL"]"#),
        Row("§17.2.3 RFC 2543: an identical INVITE is a retransmission", [(legacy, nil)], legacy, #"matched #0 ["send 100"]"#),
        Row("§17.2.3 RFC 2543: another CSeq is a new transaction", [(legacy, nil)], legacy.with { $0.cseq = 2 }, #"created ["send 100", "pass INVITE"]"#),
        Row(
            "§17.2.3 RFC 2543: the ACK carrying the final response's To tag is absorbed", [(legacy, 486)], legacyACK, "matched #0 []",
            firstState: "inviteServer.confirmed"),
        Row(
            "§17.2.3 RFC 2543: an ACK with another To tag is not for this transaction", [(legacy, 486)],
            legacyACK.with { $0.toTag = "someone-else" }, "ACK without transaction", firstState: "inviteServer.completed"),
        Row(
            "§17.2.3 RFC 2543: before a final response no To tag is known", [(legacy, 180)], legacyACK, "ACK without transaction",
            firstState: "inviteServer.proceeding"),
        Row("RFC 6026 §7.1 RFC 2543: the ACK for a 2xx reaches the Accepted INVITE", [(legacy, 200)], legacyACK, #"matched #0 ["pass ACK"]"#),
        Row(
            "§17.2.3 RFC 2543: a re-INVITE's ACK carries the dialog's To tag", [(legacy.with { $0.toTag = "dlg1" }, 486)],
            legacyACK.with { $0.toTag = "dlg1" }, "matched #0 []", firstState: "inviteServer.confirmed"),
        Row("§9.2 RFC 2543: a CANCEL finds the INVITE", [(legacy, 180)], legacy.with { $0.method = "CANCEL" }, #"cancel of #0 ["pass CANCEL"]"#),
        Row(
            "§17.2.3 a request without Via cannot be matched", [],
            RequestSpec().with { $0.method = "OPTIONS"; $0.sentBy = "" ; $0.branch = nil }, "unmatchable"),
    ]

    @Test("routing requests", arguments: rows)
    func routing(_ row: Row) throws {
        var table = Table()
        var ids: [TransactionID] = []
        var time = 0.0
        for setup in row.setup {
            let message = try setup.request.message
            let outcome = table.receive(request: message, reliability: .unreliable, context: "peer", now: at(time))
            if case .created(let output) = outcome {
                ids.append(output.id)
            } else if case .cancel(let output, _) = outcome {
                ids.append(output.id)
            } else if case .matched = outcome {
                // An ACK or a retransmission in the setup.
            } else {
                Issue.record("setup \(setup.request.method) gave \(describe(outcome, ids: ids))")
            }
            if let code = setup.response, let id = ids.last {
                #expect(table.respond(id, with: try outgoingResponse(code, to: message), now: at(time)) != nil)
            }
            time += 0.1
        }
        let outcome = table.receive(request: try row.probe.message, reliability: .unreliable, context: "peer", now: at(time))
        #expect(describe(outcome, ids: ids) == row.outcome, "\(row.rfc)")
        if let expected = row.firstState {
            #expect(stateText(ids.first.flatMap(table.transaction)) == expected, "\(row.rfc)")
        }
    }

    @Test("§17.2.1 with sendsTrying off the TU sends the first provisional itself")
    func noAutomaticTrying() throws {
        var table = Table(configuration: .init(sendsTrying: false))
        let invite = try Self.invite.message
        #expect(describe(table.receive(request: invite, reliability: .unreliable, context: "a", now: at(0)), ids: []) == #"created ["pass INVITE"]"#)
        #expect(describe(table.receive(request: invite, reliability: .unreliable, context: "a", now: at(1)), ids: []) == "matched new []")
    }

    @Test("§17.2.1, §17.2.2 the request passed to the TU is the one received, after the 100")
    func passRequestIsTheRequest() throws {
        var table = Table()
        for spec in [Self.invite, Self.options, Self.cancel] {
            let message = try spec.message
            let outcome = table.receive(request: message, reliability: .unreliable, context: "a", now: at(0))
            let actions = try #require(output(outcome)).actions
            guard case .passRequest(let passed) = try #require(actions.last) else {
                Issue.record("\(spec.method): last action is \(actions)")
                continue
            }
            #expect(passed.bytes == message.bytes, "\(spec.method)")
            #expect(actions.count == (spec.method == "INVITE" ? 2 : 1), "\(spec.method)")
        }
    }

    @Test("outputs carry the context the transaction was created with")
    func contextTravels() throws {
        var table = Table()
        let invite = try Self.invite.message
        let created = try #require(output(table.receive(request: invite, reliability: .unreliable, context: "192.0.2.1:5060", now: at(0))))
        #expect(created.context == "192.0.2.1:5060")
        // A retransmission from elsewhere still reports the transaction's own context.
        let matched = try #require(output(table.receive(request: invite, reliability: .unreliable, context: "elsewhere", now: at(1))))
        #expect(matched.context == "192.0.2.1:5060")
        #expect(table.context(of: created.id) == "192.0.2.1:5060")
        let answered = try #require(table.respond(created.id, with: try outgoingResponse(486, to: invite), now: at(2)))
        #expect(answered.context == "192.0.2.1:5060")
        let fired = table.advance(to: at(2.5))
        #expect(fired.map(\.context) == ["192.0.2.1:5060"])
        #expect(fired.map { describe($0.actions) } == [["send 486"]])
    }

    @Test("§17.2.1 the server's timers run through the table: G, then H removes it")
    func serverTimersThroughTable() throws {
        var table = Table()
        let invite = try Self.invite.message
        let id = try #require(output(table.receive(request: invite, reliability: .unreliable, context: "a", now: at(0)))).id
        _ = table.respond(id, with: try outgoingResponse(500, to: invite), now: at(1))
        #expect(table.nextDeadline == at(1.5))
        #expect(table.advance(to: at(1.4)).isEmpty)
        #expect(table.advance(to: at(1.5)).map { describe($0.actions) } == [["send 500"]])
        #expect(table.nextDeadline == at(2.5))
        let last = table.advance(to: at(33))
        #expect(last.flatMap { describe($0.actions) } == Array(repeating: "send 500", count: 9) + ["timeout H", "terminated"])
        #expect(table.count == 0)
        #expect(table.transaction(id) == nil)
        #expect(table.nextDeadline == nil)
    }

    @Test("responses to a server transaction that ended, or to a client transaction, go nowhere")
    func respondToWrongTransaction() throws {
        var table = Table()
        let options = try Self.options.message
        let id = try #require(output(table.receive(request: options, reliability: .reliable, context: "a", now: at(0)))).id
        // §17.2.2: J = 0 over a reliable transport: the final response ends it.
        let final = try #require(table.respond(id, with: try outgoingResponse(200, to: options), now: at(0)))
        #expect(describe(final.actions) == ["send 200", "terminated"])
        #expect(table.respond(id, with: try outgoingResponse(500, to: options), now: at(1)) == nil)
        let client = try table.startClient(request: try RequestSpec().with { $0.method = "BYE"; $0.branch = "z9hG4bKbye" }.message, reliability: .reliable, context: "b", now: at(1))
        #expect(table.respond(client.id, with: try outgoingResponse(200, to: options), now: at(1)) == nil)
        #expect(stateText(table.transaction(client.id)) == "nonInviteClient.trying")
    }

    @Test("a transport error ends a server transaction and reports it")
    func serverTransportError() throws {
        var table = Table()
        let invite = try Self.invite.message
        let id = try #require(output(table.receive(request: invite, reliability: .reliable, context: "tcp#4", now: at(0)))).id
        let error = table.transportError(id, now: at(1))
        let result = try #require(error)
        #expect(describe(result.actions) == ["transport error", "terminated"])
        #expect(result.context == "tcp#4")
        #expect(table.count == 0)
        #expect(table.transportError(id, now: at(2)) == nil)
        // The INVITE arriving again is a new transaction now.
        #expect(describe(table.receive(request: invite, reliability: .reliable, context: "tcp#5", now: at(3)), ids: [id]) == #"created ["send 100", "pass INVITE"]"#)
    }

    @Test("RFC 2543: the ACK alias goes when the transaction does")
    func legacyAliasIsRemoved() throws {
        var table = Table()
        let invite = try Self.legacy.message
        let id = try #require(output(table.receive(request: invite, reliability: .unreliable, context: "a", now: at(0)))).id
        _ = table.respond(id, with: try outgoingResponse(486, to: invite), now: at(0))
        #expect(table.ackAliases.count == 1)
        _ = table.advance(to: at(100))
        #expect(table.count == 0)
        #expect(table.ackAliases.isEmpty)
        #expect(table.servers.isEmpty)
        #expect(describe(table.receive(request: try Self.legacyACK.message, reliability: .unreliable, context: "a", now: at(101)), ids: []) == "ACK without transaction")
    }
}
