import SIPCore
import SIPTransaction
import Testing

/// Matching requests to server transactions (RFC 3261 §17.2.3, §9.2).
@Suite("Server transaction keys")
struct ServerTransactionKeyTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let rfc: String
        let original: RequestSpec
        let other: RequestSpec
        let matches: Bool
        var testDescription: String { rfc }
    }

    static let invite = RequestSpec()
    static let legacyInvite = RequestSpec().with { $0.branch = "1a2b3c" }
    static let legacyNoBranch = RequestSpec().with { $0.branch = nil }

    static let rows: [Row] = [
        // RFC 3261: branch with the magic cookie
        Row(rfc: "§17.2.3 a retransmission: same branch, sent-by and method", original: invite, other: invite, matches: true),
        Row(
            rfc: "§17.2.3 other headers do not matter when the cookie is there", original: invite,
            other: invite.with { $0.callID = "other@x"; $0.fromTag = "zz"; $0.cseq = 99; $0.uri = "sip:carol@chicago.example.com" }, matches: true),
        Row(rfc: "§17.2.3 an ACK matches the INVITE transaction", original: invite, other: invite.with { $0.method = "ACK"; $0.toTag = "t1" }, matches: true),
        Row(rfc: "§17.2.3 a CANCEL is a transaction of its own", original: invite, other: invite.with { $0.method = "CANCEL" }, matches: false),
        Row(rfc: "§17.2.3 a different branch is another transaction", original: invite, other: invite.with { $0.branch = "z9hG4bK74bfa" }, matches: false),
        Row(rfc: "§7.3.1 the branch value ignores case", original: invite, other: invite.with { $0.branch = "z9hG4bK74BF9" }, matches: true),
        Row(rfc: "§17.2.3 a different sent-by host is another transaction", original: invite, other: invite.with { $0.sentBy = "pc34.atlanta.example.com:5060" }, matches: false),
        Row(rfc: "§7.3.1 the sent-by host ignores case", original: invite, other: invite.with { $0.sentBy = "PC33.Atlanta.Example.COM:5060" }, matches: true),
        Row(rfc: "§17.2.3 a different sent-by port is another transaction", original: invite, other: invite.with { $0.sentBy = "pc33.atlanta.example.com:5061" }, matches: false),
        Row(rfc: "§17.2.3 an absent port is not the same sent-by as an explicit one", original: invite, other: invite.with { $0.sentBy = "pc33.atlanta.example.com" }, matches: false),
        Row(rfc: "§17.2.3 the Via transport is not part of sent-by", original: invite, other: invite.with { $0.transport = "TCP" }, matches: true),
        Row(
            rfc: "§7.1 methods are case-sensitive: 'invite' is an extension method", original: invite,
            other: invite.with { $0.method = "invite" }, matches: false),
        Row(
            rfc: "§17.2.3 the same branch on another method is another transaction",
            original: invite.with { $0.method = "OPTIONS" }, other: invite.with { $0.method = "INFO" }, matches: false),
        Row(
            rfc: "§8.1.1.7 the magic cookie is case-sensitive: without it the RFC 2543 rules apply",
            original: invite, other: invite.with { $0.branch = "Z9HG4BK74bf9" }, matches: false),
        // RFC 2543 fallback
        Row(rfc: "§17.2.3 RFC 2543: an identical retransmission", original: legacyInvite, other: legacyInvite, matches: true),
        Row(rfc: "§17.2.3 RFC 2543: no branch at all", original: legacyNoBranch, other: legacyNoBranch, matches: true),
        Row(rfc: "§17.2.3 RFC 2543: the Request-URI counts", original: legacyInvite, other: legacyInvite.with { $0.uri = "sip:bob@biloxi.example.com;x=1" }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543: the To tag counts", original: legacyInvite.with { $0.toTag = "a" }, other: legacyInvite.with { $0.toTag = "b" }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543: a To tag added is another transaction", original: legacyInvite, other: legacyInvite.with { $0.toTag = "a" }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543: the From tag counts", original: legacyInvite, other: legacyInvite.with { $0.fromTag = "other" }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543: an absent From tag differs from a present one", original: legacyInvite, other: legacyInvite.with { $0.fromTag = nil }, matches: false),
        Row(rfc: "§7.3.1 RFC 2543: tags ignore case", original: legacyInvite, other: legacyInvite.with { $0.fromTag = "9FXCED76SL" }, matches: true),
        Row(rfc: "§17.2.3 RFC 2543: the Call-ID counts", original: legacyInvite, other: legacyInvite.with { $0.callID = "another@atlanta.example.com" }, matches: false),
        Row(
            rfc: "§20.8 RFC 2543: Call-IDs are compared byte by byte", original: legacyInvite,
            other: legacyInvite.with { $0.callID = "3848276298220188511@ATLANTA.example.com" }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543: the CSeq number counts", original: legacyInvite, other: legacyInvite.with { $0.cseq = 2 }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543: the method counts", original: legacyInvite, other: legacyInvite.with { $0.method = "CANCEL" }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543: the top Via counts", original: legacyInvite, other: legacyInvite.with { $0.branch = "1a2b3d" }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543: the top Via sent-by counts", original: legacyInvite, other: legacyInvite.with { $0.sentBy = "pc33.atlanta.example.com:5062" }, matches: false),
        Row(rfc: "§7.3.1 RFC 2543: the top Via ignores case", original: legacyInvite, other: legacyInvite.with { $0.sentBy = "PC33.atlanta.example.com:5060" }, matches: true),
        Row(
            rfc: "§17.2.3 RFC 2543: only the top Via counts", original: legacyInvite,
            other: legacyInvite.with { $0.lowerVias = ["Via: SIP/2.0/UDP elsewhere.example.com"] }, matches: true),
        Row(
            rfc: "§17.2.3 RFC 2543: an ACK with the INVITE's To (no tag) matches", original: legacyInvite,
            other: legacyInvite.with { $0.method = "ACK" }, matches: true),
        Row(
            rfc: "§17.2.3 RFC 2543: an ACK carrying the response's To tag needs that tag (the table learns it)", original: legacyInvite,
            other: legacyInvite.with { $0.method = "ACK"; $0.toTag = "srv" }, matches: false),
        Row(rfc: "§17.2.3 RFC 2543 and RFC 3261 keys never match each other", original: invite, other: invite.with { $0.branch = "74bf9" }, matches: false),
    ]

    @Test("which requests match which transaction", arguments: rows)
    func matching(_ row: Row) throws {
        let original = try ServerTransactionKey(request: try row.original.message)
        let other = try ServerTransactionKey(request: try row.other.message)
        #expect((original == other) == row.matches, "\(row.rfc)")
        #expect(Set([original]).contains(other) == row.matches, "\(row.rfc): hashing agrees with equality")
        if row.matches {
            #expect(original.hashValue == other.hashValue)
        }
    }

    @Test("§17.2.3 the key says which rules built it")
    func properties() throws {
        let modern = try ServerTransactionKey(request: try Self.invite.message)
        #expect(modern.usesMagicCookie)
        #expect(modern.branch == "z9hG4bK74bf9")
        #expect(modern.method == .invite)
        let legacy = try ServerTransactionKey(request: try Self.legacyInvite.message)
        #expect(!legacy.usesMagicCookie)
        #expect(legacy.branch == nil)
        let ack = try ServerTransactionKey(request: try Self.invite.with { $0.method = "ACK" }.message)
        #expect(ack.method == .invite, "§17.2.3: an ACK's transaction is the INVITE's")
    }

    @Test("§9.2 a CANCEL's key with method INVITE is the INVITE's key", arguments: [invite, legacyInvite, legacyNoBranch])
    func cancelTarget(_ spec: RequestSpec) throws {
        let inviteKey = try ServerTransactionKey(request: try spec.message)
        let cancelKey = try ServerTransactionKey(request: try spec.with { $0.method = "CANCEL" }.message)
        #expect(cancelKey != inviteKey)
        #expect(cancelKey.method == .cancel)
        #expect(cancelKey.replacingMethod(.invite) == inviteKey)
    }

    struct UnmatchableRow: Sendable, CustomTestStringConvertible {
        let rfc: String
        let text: String
        var testDescription: String { rfc }
    }

    static let unmatchable: [UnmatchableRow] = [
        UnmatchableRow(rfc: "§8.1.1.7 no Via at all", text: RequestSpec().text.replacing("Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n", with: "")),
        UnmatchableRow(
            rfc: "§17.2.3 RFC 2543 fallback without a Call-ID",
            text: legacyInvite.text.replacing("Call-ID: 3848276298220188511@atlanta.example.com\r\n", with: "")),
        UnmatchableRow(rfc: "§17.2.3 RFC 2543 fallback without a CSeq", text: legacyInvite.text.replacing("CSeq: 1 INVITE\r\n", with: "")),
        UnmatchableRow(
            rfc: "§17.2.3 RFC 2543 fallback without a From",
            text: legacyInvite.text.replacing("From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n", with: "")),
    ]

    @Test("requests that cannot be matched are refused with the parse error", arguments: unmatchable)
    func unmatchableRequests(_ row: UnmatchableRow) throws {
        let message = try SIPMessage(parsing: row.text)
        #expect(throws: SIPParseError.self, "\(row.rfc)") {
            _ = try ServerTransactionKey(request: message)
        }
    }

    @Test("§17.2.3 a cookie key needs only the top Via: a missing Call-ID does not matter")
    func cookieKeyIgnoresOtherHeaders() throws {
        let message = try SIPMessage(parsing: RequestSpec().text.replacing("Call-ID: 3848276298220188511@atlanta.example.com\r\n", with: ""))
        #expect(try ServerTransactionKey(request: message).usesMagicCookie)
    }

    @Test("a response has no server transaction key")
    func responseIsRefused() throws {
        let response = try incomingResponse(200, to: try RequestSpec().message)
        #expect(throws: SIPParseError.self) {
            _ = try ServerTransactionKey(request: response)
        }
    }
}
