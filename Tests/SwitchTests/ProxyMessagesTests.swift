import Foundation
import SIPCore
@testable import Switch
import Testing

/// What the proxy changes in what it forwards (RFC 3261 §16.6, §16.7), and its branches.
@Suite("Proxy messages")
struct ProxyMessagesTests {
    static let invite = """
        INVITE sip:1002@127.0.0.1 SIP/2.0\r
        Via: SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-a;rport, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-b\r
        Max-Forwards: 70\r
        Route: <sip:127.0.0.1;lr>\r
        From: <sip:1001@127.0.0.1>;tag=abc\r
        To: <sip:1002@127.0.0.1>\r
        Call-ID: c1@x\r
        CSeq: 2 INVITE\r
        Proxy-Authorization: Digest username="1001", realm="sipwarden", nonce="n", uri="sip:1002@127.0.0.1", response="r"\r
        Contact: <sip:1001@127.0.0.2:5062>\r
        Content-Type: application/sdp\r
        Content-Length: 4\r
        \r
        v=0\n
        """

    @Test func forwardedRequestCarriesOurViaRecordRouteAndOneLessMaxForwards() throws {
        var request = try SIPMessage(parsing: Self.invite)
        let bytes = try ProxyMessages.forward(
            &request, requestURI: "sip:1002@127.0.0.3:5070", via: "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-swL0-1;rport",
            recordRoutes: ["<sip:127.0.0.1:5060;lr>"], routes: [], maxForwards: 69, removeProxyCredentials: true)
        var forwarded = try SIPMessage(parsing: bytes)
        #expect(forwarded.requestURIText?.string == "sip:1002@127.0.0.3:5070")
        let vias = try forwarded.via()
        #expect(vias.map(\.branch?.string) == ["z9hG4bK-swL0-1", "z9hG4bK-a", "z9hG4bK-b"])
        #expect(try forwarded.maxForwards() == 69)
        #expect(try forwarded.recordRoutes().map(\.text.string) == ["<sip:127.0.0.1:5060;lr>"])
        #expect(forwarded.headers.values(.route).isEmpty)
        #expect(forwarded.headers.values(.proxyAuthorization).isEmpty)
        #expect(String(buffer: forwarded.body) == "v=0\n")
        #expect(forwarded.headers.values(.contact).first?.string == "<sip:1001@127.0.0.2:5062>")
    }

    @Test func forwardedResponseLosesOnlyTheTopVia() throws {
        var response = try SIPMessage(parsing: """
            SIP/2.0 503 Service Unavailable\r
            Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-swL0-1;rport=5060, SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-a\r
            From: <sip:1001@127.0.0.1>;tag=abc\r
            To: <sip:1002@127.0.0.1>;tag=xyz\r
            Call-ID: c1@x\r
            CSeq: 2 INVITE\r
            Content-Length: 0\r
            \r

            """)
        var passed = try SIPMessage(parsing: try ProxyMessages.forwardResponse(&response))
        #expect(try passed.via().map(\.branch?.string) == ["z9hG4bK-a"])
        #expect(passed.statusCode == 503)
        var converted = try SIPMessage(parsing: try ProxyMessages.forwardResponse(&response, statusCode: 500))
        #expect(converted.statusCode == 500)
        #expect(try converted.to().tag?.string == "xyz")
    }

    @Test func cancelAndByeAreWellFormed() throws {
        var cancel = try SIPMessage(parsing: try ProxyMessages.cancel(
            requestURI: "sip:1002@127.0.0.3", via: "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-swL1-9", from: "<sip:1001@x>;tag=a",
            to: "<sip:1002@x>", callID: "c", cseq: 2, routes: []))
        try cancel.validate()
        #expect(cancel.method == .cancel)
        #expect(try cancel.cseq().sequence == 2)
        var bye = try SIPMessage(parsing: try ProxyMessages.bye(
            requestURI: "sip:1002@127.0.0.3", via: "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-swL1-8", from: "<sip:1001@x>;tag=a",
            to: "<sip:1002@x>;tag=b", callID: "c", cseq: 3, reason: "maximum call duration"))
        try bye.validate()
        #expect(bye.method == .bye)
        #expect(bye.headers.values(.reason).first?.string.contains("maximum call duration") == true)
    }

    @Test func branchesSayWhoseTheyAre() {
        #expect(ProxyBranch(SIPString(ProxyBranch.branch(loop: 3))) == .transaction(loop: 3))
        let key = KeyedHash(key: Array(repeating: 1, count: 32))
        let hop = StatelessHop(transport: "UDP", received: "127.0.0.2", port: 5062)
        let stateless = ProxyBranch.stateless(incomingBranch: "z9hG4bK-a", callID: "c", nextHop: hop, key: key)
        #expect(ProxyBranch(SIPString(stateless)) == .stateless)
        // A retransmission gets the same branch; any other next hop, Call-ID, incoming
        // branch or key another one.
        #expect(stateless == ProxyBranch.stateless(incomingBranch: "z9hG4bK-a", callID: "c", nextHop: hop, key: key))
        #expect(stateless == ProxyBranch.stateless(incomingBranch: "z9hG4bK-a", callID: "c", nextHop: StatelessHop(transport: "udp", received: "127.0.0.2", port: 5062), key: key))
        for other in [
            ProxyBranch.stateless(incomingBranch: "z9hG4bK-a", callID: "c", nextHop: StatelessHop(transport: "UDP", received: "192.0.2.9", port: 5062), key: key),
            ProxyBranch.stateless(incomingBranch: "z9hG4bK-a", callID: "c", nextHop: StatelessHop(transport: "UDP", received: "127.0.0.2", port: 5063), key: key),
            ProxyBranch.stateless(incomingBranch: "z9hG4bK-a", callID: "c", nextHop: StatelessHop(transport: "TCP", received: "127.0.0.2", port: 5062), key: key),
            ProxyBranch.stateless(incomingBranch: "z9hG4bK-b", callID: "c", nextHop: hop, key: key),
            ProxyBranch.stateless(incomingBranch: "z9hG4bK-a", callID: "d", nextHop: hop, key: key),
            ProxyBranch.stateless(incomingBranch: "z9hG4bK-a", callID: "c", nextHop: hop, key: KeyedHash(key: Array(repeating: 2, count: 32))),
        ] {
            #expect(other != stateless)
        }
        #expect(ProxyBranch(SIPString("z9hG4bK-other")) == nil)
        #expect(ProxyBranch(SIPString("z9hG4bK-swLx-1")) == nil)
    }
}
