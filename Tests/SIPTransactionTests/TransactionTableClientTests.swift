import SIPCore
import SIPTestSupport
import SIPTransaction
import Testing

/// Client transactions through the table (RFC 3261 §17.1.3).
@Suite("Transaction table: client side")
struct TransactionTableClientTests {
    static let invite = RequestSpec().with { $0.branch = "z9hG4bKclient1"; $0.sentBy = "sipwarden.example.com" }

    @Test("§17.1.1 an INVITE client transaction: sent, provisional, final with ACK")
    func inviteFlow() throws {
        var table = Table()
        let invite = try Self.invite.message
        let started = try table.startClient(request: invite, reliability: .unreliable, context: "uas", now: at(0))
        #expect(sent(started.actions) == [invite.bytes])
        #expect(started.context == "uas")
        #expect(table.nextDeadline == at(0.5))
        #expect(table.clientTransaction(for: try ClientTransactionKey(request: invite)) == started.id)

        guard case .matched(let ringing) = table.receive(response: try incomingResponse(180, to: invite), now: at(0.3)) else {
            Issue.record("180 did not match")
            return
        }
        #expect(describe(ringing.actions) == ["pass 180"])
        #expect(ringing.id == started.id)
        #expect(table.nextDeadline == nil, "§17.1.1.2: no timers in Proceeding")

        guard case .matched(let busy) = table.receive(response: try incomingResponse(486, to: invite), now: at(2)) else {
            Issue.record("486 did not match")
            return
        }
        #expect(describe(busy.actions) == ["pass 486", "send ACK"])
        #expect(table.nextDeadline == at(34))
        #expect(stateText(table.transaction(started.id)) == "inviteClient.completed")
    }

    @Test("§17.1.3 responses are routed by branch and CSeq method")
    func responseRouting() throws {
        var table = Table()
        let invite = try Self.invite.message
        let id = try table.startClient(request: invite, reliability: .unreliable, context: "uas", now: at(0)).id
        let register = try RequestSpec().with { $0.method = "REGISTER"; $0.branch = "z9hG4bKreg" }.message
        let registerID = try table.startClient(request: register, reliability: .unreliable, context: "registrar", now: at(0)).id

        let toCancel = try incomingResponse(200, to: try Self.invite.with { $0.method = "CANCEL" }.message)
        #expect(isUnmatched(table.receive(response: toCancel, now: at(1))), "§17.1.3: the CANCEL's response is not the INVITE's")
        let stranger = try incomingResponse(200, to: try Self.invite.with { $0.branch = "z9hG4bKstranger" }.message)
        #expect(isUnmatched(table.receive(response: stranger, now: at(1))))

        guard case .matched(let ok) = table.receive(response: try incomingResponse(200, to: register), now: at(1)) else {
            Issue.record("200 for REGISTER did not match")
            return
        }
        #expect(ok.id == registerID)
        #expect(ok.context == "registrar")
        #expect(stateText(table.transaction(id)) == "inviteClient.calling")
        #expect(stateText(table.transaction(registerID)) == "nonInviteClient.completed")
    }

    @Test("responses that cannot be matched, and requests passed as responses")
    func unmatchableResponses() throws {
        var table = Table()
        let noBranch = try SIPMessage(
            parsing: SampleMessages.message([
                "SIP/2.0 200 OK", "Via: SIP/2.0/UDP a.example.com", "To: <sip:b@example.com>;tag=1",
                "From: <sip:a@example.com>;tag=2", "Call-ID: x", "CSeq: 1 INVITE",
            ]))
        #expect(isUnmatchable(table.receive(response: noBranch, now: at(0))))
        #expect(isUnmatchable(table.receive(response: try Self.invite.message, now: at(0))))
    }

    @Test("RFC 6026 §7.2 2xx retransmissions through the table reach the TU until Timer M")
    func acceptedThroughTable() throws {
        var table = Table()
        let invite = try Self.invite.message
        let id = try table.startClient(request: invite, reliability: .reliable, context: "uas", now: at(0)).id
        let ok = try incomingResponse(200, to: invite)
        for time in [1.0, 2.0, 3.0] {
            guard case .matched(let output) = table.receive(response: ok, now: at(time)) else {
                Issue.record("2xx at \(time) did not match")
                return
            }
            #expect(describe(output.actions) == ["pass 200"])
        }
        #expect(table.advance(to: at(33)).map { describe($0.actions) } == [["terminated"]])
        #expect(table.transaction(id) == nil)
        #expect(isUnmatched(table.receive(response: ok, now: at(34))))
    }

    struct StartRow: Sendable, CustomTestStringConvertible {
        let rfc: String
        let request: RequestSpec
        let error: String
        var testDescription: String { rfc }
    }

    static let startRows: [StartRow] = [
        StartRow(rfc: "§17.1.1.3 an ACK starts no client transaction", request: invite.with { $0.method = "ACK" }, error: "startsNoTransaction"),
        StartRow(rfc: "§8.1.1.7 a request without a branch cannot be matched", request: invite.with { $0.branch = nil }, error: "unusable"),
        StartRow(rfc: "§17.1.1.3 an INVITE without a CSeq cannot be acknowledged", request: invite.with { $0.method = "INVITE" }, error: "unusable"),
    ]

    @Test("requests that start no client transaction", arguments: startRows)
    func refusedStarts(_ row: StartRow) throws {
        var table = Table()
        var text = row.request.text
        if row.rfc.contains("CSeq") {
            text = text.replacing("CSeq: 1 INVITE\r\n", with: "")
        }
        let message = try SIPMessage(parsing: text)
        do throws(Table.StartError) {
            _ = try table.startClient(request: message, reliability: .unreliable, context: "x", now: at(0))
            Issue.record("\(row.rfc): started")
        } catch {
            switch error {
            case .startsNoTransaction: #expect(row.error == "startsNoTransaction", "\(row.rfc)")
            case .unusable: #expect(row.error == "unusable", "\(row.rfc)")
            case .full, .duplicate: Issue.record("\(row.rfc): \(error)")
            }
        }
        #expect(table.count == 0)
    }

    @Test("§17.1.3 a second transaction with the same branch and method is refused")
    func duplicate() throws {
        var table = Table()
        let invite = try Self.invite.message
        let first = try table.startClient(request: invite, reliability: .unreliable, context: "x", now: at(0))
        #expect {
            _ = try table.startClient(request: invite, reliability: .unreliable, context: "x", now: at(0))
        } throws: { error in
            guard case Table.StartError.duplicate(let existing) = error else { return false }
            return existing == first.id
        }
        // The CANCEL shares the branch but is its own transaction (§9.1).
        let cancel = try Self.invite.with { $0.method = "CANCEL" }.message
        #expect(throws: Never.self) { _ = try table.startClient(request: cancel, reliability: .unreliable, context: "x", now: at(0)) }
        #expect(table.count == 2)
    }

    @Test("a transport error ends a client transaction and reports it")
    func clientTransportError() throws {
        var table = Table()
        let id = try table.startClient(request: try Self.invite.message, reliability: .unreliable, context: "x", now: at(0)).id
        #expect(table.transportError(id, now: at(0.1)).map { describe($0.actions) } == ["transport error", "terminated"])
        #expect(table.count == 0)
        #expect(table.nextDeadline == nil)
    }

    private func isUnmatched(_ outcome: Table.ResponseOutcome) -> Bool {
        if case .unmatched = outcome { return true }
        return false
    }

    private func isUnmatchable(_ outcome: Table.ResponseOutcome) -> Bool {
        if case .unmatchable = outcome { return true }
        return false
    }
}
