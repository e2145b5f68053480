import SIPCore
import SIPTestSupport
import SIPTransaction
import Testing

/// Matching responses to client transactions (RFC 3261 §17.1.3).
@Suite("Client transaction keys")
struct ClientTransactionKeyTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let rfc: String
        let request: RequestSpec
        /// The request the response answers (its Via and CSeq are copied, §8.2.6).
        let answered: RequestSpec
        let matches: Bool
        var testDescription: String { rfc }
    }

    static let invite = RequestSpec()

    static let rows: [Row] = [
        Row(rfc: "§17.1.3 same branch and CSeq method", request: invite, answered: invite, matches: true),
        Row(
            rfc: "§17.1.3 a CANCEL's response shares the branch but not the method", request: invite,
            answered: invite.with { $0.method = "CANCEL" }, matches: false),
        Row(rfc: "§17.1.3 a different branch", request: invite, answered: invite.with { $0.branch = "z9hG4bK0000" }, matches: false),
        Row(rfc: "§7.3.1 the branch ignores case", request: invite, answered: invite.with { $0.branch = "Z9HG4BK74BF9" }, matches: true),
        Row(
            rfc: "§17.1.3 sent-by is not compared (a response's Via may gain received/rport)", request: invite,
            answered: invite.with { $0.sentBy = "198.51.100.7:5090" }, matches: true),
        Row(rfc: "§7.1 the CSeq method is case-sensitive", request: invite, answered: invite.with { $0.method = "invite" }, matches: false),
        Row(
            rfc: "§17.1.3 non-INVITE: same branch and method", request: invite.with { $0.method = "REGISTER" },
            answered: invite.with { $0.method = "REGISTER"; $0.cseq = 2 }, matches: true),
    ]

    @Test("which responses match which client transaction", arguments: rows)
    func matching(_ row: Row) throws {
        let requestKey = try ClientTransactionKey(request: try row.request.message)
        let responseKey = try ClientTransactionKey(response: try incomingResponse(200, to: try row.answered.message))
        #expect((requestKey == responseKey) == row.matches, "\(row.rfc)")
        #expect(Set([requestKey]).contains(responseKey) == row.matches, "\(row.rfc): hashing agrees with equality")
        if row.matches {
            #expect(requestKey.hashValue == responseKey.hashValue, "\(row.rfc)")
        }
    }

    @Test("§17.1.3 the key of a request: its branch and method")
    func requestKey() throws {
        let key = try ClientTransactionKey(request: try Self.invite.with { $0.method = "OPTIONS" }.message)
        #expect(key.branch == "z9hG4bK74bf9")
        #expect(key.method == .options)
        #expect(key == ClientTransactionKey(branch: "z9hG4bK74bf9", method: .options))
    }

    @Test("§17.1.3 a response without a branch matches nothing")
    func missingBranch() throws {
        let response = try SIPMessage(
            parsing: SampleMessages.message([
                "SIP/2.0 200 OK",
                "Via: SIP/2.0/UDP pc33.atlanta.example.com",
                "To: <sip:bob@biloxi.example.com>;tag=x",
                "From: <sip:alice@atlanta.example.com>;tag=y",
                "Call-ID: abc",
                "CSeq: 1 INVITE",
            ]))
        #expect(throws: SIPParseError.self) { _ = try ClientTransactionKey(response: response) }
        #expect(throws: SIPParseError.self) { _ = try ClientTransactionKey(request: try Self.invite.with { $0.branch = nil }.message) }
    }

    @Test("§17.1.3 a response without CSeq matches nothing")
    func missingCSeq() throws {
        let response = try SIPMessage(
            parsing: SampleMessages.message([
                "SIP/2.0 200 OK",
                "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK74bf9",
                "To: <sip:bob@biloxi.example.com>;tag=x",
                "From: <sip:alice@atlanta.example.com>;tag=y",
                "Call-ID: abc",
            ]))
        #expect(throws: SIPParseError.self) { _ = try ClientTransactionKey(response: response) }
    }
}
