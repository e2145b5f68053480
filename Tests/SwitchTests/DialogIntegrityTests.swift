import NIOCore
import SecurityEvents
import SIPCore
@testable import Switch
import Testing

/// What a party of a call can and cannot make the switch do within the call's dialog
/// (RFC 3261 §12, §15, §16.11), tried as an attacker would: forged tags and sources, CSeqs
/// out of order or out of range, BYEs the far side never gets or refuses, answers that
/// try to turn the switch into a relay.
@Suite("Dialog integrity")
struct DialogIntegrityTests {
    typealias Rig = SwitchRig

    /// alice's in-dialog request toward the carrier (her tag in From, the carrier's in To).
    static func aliceRequest(_ method: String, cseq: UInt32, branch: String, fromTag: String = "alice1", toTag: String = "carrier1", cseqMethod: String? = nil) -> String {
        Rig.request(
            method, uri: "sip:0044207@127.0.0.9:5060", from: "<sip:alice@127.0.0.1>;tag=\(fromTag)", to: "<sip:0044207@127.0.0.1>;tag=\(toTag)",
            callID: "call-a", cseq: cseq, via: "SIP/2.0/UDP 127.0.0.2:5062;branch=\(branch);rport",
            headers: ["Route: <sip:127.0.0.1:5060;lr>"], cseqMethod: cseqMethod)
    }

    /// The carrier's in-dialog request toward alice.
    static func carrierRequest(_ method: String, cseq: UInt32, branch: String) -> String {
        Rig.request(
            method, uri: "sip:alice@127.0.0.2:5062", from: "<sip:0044207@127.0.0.1>;tag=carrier1", to: "<sip:alice@127.0.0.1>;tag=alice1",
            callID: "call-a", cseq: cseq, via: "SIP/2.0/UDP 127.0.0.9:5060;branch=\(branch)", headers: ["Route: <sip:127.0.0.1:5060;lr>"])
    }

    @Test("a BYE carrying the callee's tag as its From tag, sent by the caller, is 403: the carrier keeps its leg, the record stays open, and the maximum duration still ends and bills the call")
    func forgedByeFromTheCaller() throws {
        let rig = Rig(maxCallSeconds: 60)
        _ = try rig.answeredOutboundCall()
        rig.tick(seconds: 1)
        // The attack: From and To tags swapped, so the BYE claims to come from the carrier.
        rig.receive(Self.aliceRequest("BYE", cseq: 3, branch: "z9hG4bK-forged", fromTag: "carrier1", toTag: "alice1"), from: Rig.alice)
        let sent = try rig.sent()
        #expect(sent.map { $0.0 } == [Rig.alice])
        #expect(sent.first?.1.statusCode == 403)
        #expect(rig.records.all.isEmpty, "the record was closed by a forged BYE")
        #expect(rig.calls.registry.count == 1)
        #expect(rig.calls.registry.calls(accountId: 1) == 1, "the limits were released")
        #expect(rig.events.kinds.contains(.forgedMessage))

        rig.tick(seconds: 59.1)
        let byes = try rig.sent().filter { $0.1.method == .bye }
        #expect(Set(byes.map { $0.0 }) == [Rig.carrier, Rig.alice], "the carrier's leg was not hung up at the maximum duration")
        let record = try #require(rig.records.all.first)
        #expect(record.cause == .maxDuration)
        #expect(record.billableSeconds == 60)
        #expect(record.costMicros == Rig.pricePerMinute)
    }

    @Test("a BYE with the caller's tags from any other address is 403 and changes nothing")
    func byeFromAnotherAddress() throws {
        let rig = Rig()
        _ = try rig.answeredOutboundCall()
        rig.receive(Self.aliceRequest("BYE", cseq: 3, branch: "z9hG4bK-x"), from: Rig.attacker)
        #expect(try rig.sent().map { $0.1.statusCode } == [403])
        #expect(rig.calls.registry.count == 1)
        // A provider's request may come from any of its addresses, nobody else's.
        rig.receive(Self.carrierRequest("BYE", cseq: 1, branch: "z9hG4bK-y"), from: Rig.attacker)
        #expect(try rig.sent().map { $0.1.statusCode } == [403])
        #expect(rig.calls.registry.count == 1)
        #expect(rig.events.kinds.filter { $0 == .forgedMessage }.count == 2)
    }

    @Test("RFC 3261 §15.1.2: the call ends when the far side answers the BYE, at the time the BYE came; a BYE it refuses ends nothing")
    func byeNeedsTheFarSidesAnswer() throws {
        let rig = Rig()
        _ = try rig.answeredOutboundCall()
        rig.tick(seconds: 10)
        rig.receive(Self.aliceRequest("BYE", cseq: 3, branch: "z9hG4bK-bye1"), from: Rig.alice)
        var bye = try #require(try rig.sent().first { $0.0 == Rig.carrier && $0.1.method == .bye }?.1)
        rig.tick(seconds: 1)
        // Refused: the call goes on.
        rig.receive(Rig.response(500, to: bye), from: Rig.carrier)
        #expect(try rig.sent().map { $0.1.statusCode } == [500])
        #expect(rig.records.all.isEmpty)
        #expect(rig.calls.registry.count == 1)
        // Sent again, answered this time.
        rig.tick(seconds: 5)
        rig.receive(Self.aliceRequest("BYE", cseq: 4, branch: "z9hG4bK-bye2"), from: Rig.alice)
        bye = try #require(try rig.sent().first { $0.0 == Rig.carrier && $0.1.method == .bye }?.1)
        rig.tick(seconds: 2)
        // An answer from anyone but the carrier counts for nothing, even with the branch.
        rig.receive(Rig.response(200, to: bye), from: Rig.alice)
        _ = try rig.sent()
        #expect(rig.records.all.isEmpty, "a 200 from the caller itself ended the call")
        rig.receive(Rig.response(200, to: bye), from: Rig.carrier)
        #expect(try rig.sent().map { $0.0 } == [Rig.alice])
        let record = try #require(rig.records.all.first)
        #expect(record.durationMillis == 16_000)
        #expect(record.hangupBy == .caller)
        #expect(record.cause == .answered)
        #expect(record.costMicros == 16 * Rig.pricePerMinute / 60)
        #expect(rig.calls.registry.count == 0)
    }

    @Test("a BYE the far side never answers ends the call after Timer F, at the time it came")
    func unansweredBye() throws {
        let rig = Rig()
        _ = try rig.answeredOutboundCall()
        rig.tick(seconds: 20)
        rig.receive(Self.aliceRequest("BYE", cseq: 3, branch: "z9hG4bK-bye1"), from: Rig.alice)
        _ = try rig.sent()
        rig.tick(seconds: 31)
        #expect(rig.records.all.isEmpty)
        rig.tick(seconds: 1.5)
        let record = try #require(rig.records.all.first)
        #expect(record.durationMillis == 20_000)
        #expect(record.reason == "BYE not answered")
    }

    @Test("RFC 3261 §12.2.2, §8.1.1.5: a CSeq lower than the side's last is 500, the last again is a retransmission, 2^31 or more is 400 — and the switch's own BYE never wraps")
    func cseqRules() throws {
        let rig = Rig(maxCallSeconds: 60)
        _ = try rig.answeredOutboundCall()
        rig.receive(Self.aliceRequest("INFO", cseq: 5, branch: "z9hG4bK-i5"), from: Rig.alice)
        #expect(try rig.sent().map { $0.0 } == [Rig.carrier])
        // The same request again (a retransmission) goes on again.
        rig.receive(Self.aliceRequest("INFO", cseq: 5, branch: "z9hG4bK-i5"), from: Rig.alice)
        #expect(try rig.sent().map { $0.0 } == [Rig.carrier])
        for (cseq, branch, status) in [(5, "z9hG4bK-other", 500), (4, "z9hG4bK-i4", 500), (2, "z9hG4bK-i2", 500)] {
            rig.receive(Self.aliceRequest("INFO", cseq: UInt32(cseq), branch: branch), from: Rig.alice)
            #expect(try rig.sent().map { $0.1.statusCode } == [status], "CSeq \(cseq)")
        }
        rig.receive(Self.aliceRequest("INFO", cseq: 4_294_967_295, branch: "z9hG4bK-max"), from: Rig.alice)
        #expect(try rig.sent().map { $0.1.statusCode } == [400])
        rig.receive(Self.aliceRequest("INFO", cseq: 2_147_483_648, branch: "z9hG4bK-2p31"), from: Rig.alice)
        #expect(try rig.sent().map { $0.1.statusCode } == [400])
        rig.tick(seconds: 60.1)
        var byes = try rig.sent().filter { $0.1.method == .bye }
        var toCarrier = try #require(byes.first { $0.0 == Rig.carrier }?.1)
        #expect(try toCarrier.cseq().sequence == 6, "one past alice's highest CSeq")
        var toAlice = try #require(byes.first { $0.0 == Rig.alice }?.1)
        #expect(try toAlice.cseq().sequence == 1, "the carrier never sent a request")
        byes.removeAll()
    }

    @Test("an answer to a forwarded request goes only where that request came from: a callee that rewrites the next Via gets nothing relayed, and is reported")
    func noResponseRelay() throws {
        let rig = Rig()
        _ = try rig.answeredOutboundCall()
        rig.receive(Self.carrierRequest("INFO", cseq: 1, branch: "z9hG4bK-c-info"), from: Rig.carrier)
        let info = try #require(try rig.sent().first { $0.0 == Rig.alice }?.1)
        let honest = Rig.response(200, to: info)
        // alice rewrites the carrier's Via to aim the answer (with a body) at a victim.
        let victim = "SIP/2.0/UDP 192.0.2.77:9999;branch=z9hG4bK-c-info;received=192.0.2.77;rport=9999"
        var vias = info.headers.values(.via).map(\.string)
        let forged = honest.replacingOccurrences(of: "Via: \(vias[1])", with: "Via: \(victim)")
        #expect(forged != honest)
        rig.receive(forged, from: Rig.alice)
        #expect(try rig.sent().isEmpty, "a forged answer was relayed")
        #expect(rig.events.kinds.contains(.forgedMessage))
        // Nor an answer that names none of the switch's stateless branches correctly.
        let unknown = honest.replacingOccurrences(of: "z9hG4bK-swS-", with: "z9hG4bK-swS-0")
        rig.receive(unknown, from: Rig.alice)
        #expect(try rig.sent().isEmpty)
        rig.receive(honest, from: Rig.alice)
        #expect(try rig.sent().map { $0.0 } == [Rig.carrier])
        vias.removeAll()
    }

    @Test("a challenge is stateless: an INVITE without credentials gets one 407, holds no transaction and is never retransmitted")
    func statelessChallenge() throws {
        let rig = Rig()
        for index in 0..<50 {
            rig.receive(Rig.request(
                "INVITE", uri: "sip:0044207@127.0.0.1", from: "<sip:alice@127.0.0.1>;tag=s\(index)", to: "<sip:0044207@127.0.0.1>",
                callID: "spoof-\(index)", cseq: 1, via: "SIP/2.0/UDP 192.0.2.\(index):5060;branch=z9hG4bK-s\(index)"), from: Rig.attacker)
        }
        let answers = try rig.sent()
        #expect(answers.count == 50)
        #expect(answers.allSatisfy { $0.1.statusCode == 407 && $0.0 == Rig.attacker })
        #expect(rig.engine.transactionCount == 0)
        rig.tick(seconds: 40)
        #expect(try rig.sent().isEmpty, "a challenge was retransmitted")
        // A real caller still gets through.
        _ = try rig.answeredOutboundCall()
        #expect(rig.calls.registry.count == 1)
    }

    @Test("REFER is refused unless the referring device's account allows transfers")
    func referRefusedByDefault() throws {
        let rig = Rig()
        _ = try rig.answeredOutboundCall()
        rig.receive(Self.aliceRequest("REFER", cseq: 3, branch: "z9hG4bK-r", cseqMethod: nil).replacingOccurrences(
            of: "Content-Length", with: "Refer-To: <sip:0033999@127.0.0.1>\r\nContent-Length"), from: Rig.alice)
        let sent = try rig.sent()
        #expect(sent.map { $0.0 } == [Rig.alice])
        #expect(sent.first?.1.statusCode == 403)
        // Nor may the carrier refer alice anywhere.
        rig.receive(Self.carrierRequest("REFER", cseq: 1, branch: "z9hG4bK-cr").replacingOccurrences(
            of: "Content-Length", with: "Refer-To: <sip:0033999@127.0.0.1>\r\nContent-Length"), from: Rig.carrier)
        #expect(try rig.sent().map { $0.1.statusCode } == [403])
    }

    @Test("an allowed transfer: the transferee gets a one-time Refer-To of the switch, its INVITE is routed and billed as the transferring device's call and linked to the first, once")
    func transferBilledToTheTransferor() throws {
        let rig = Rig(transfers: true)
        _ = try rig.answeredOutboundCall()
        rig.receive(Self.aliceRequest("REFER", cseq: 3, branch: "z9hG4bK-r").replacingOccurrences(
            of: "Content-Length", with: "Refer-To: <sip:0033999@evil.example>\r\nReferred-By: <sip:ceo@bank.example>\r\nContent-Length"), from: Rig.alice)
        var refer = try #require(try rig.sent().first { $0.0 == Rig.carrier }?.1)
        #expect(refer.method == .refer)
        let referTo = try #require(try refer.nameAddresses(.referTo).first)
        #expect(referTo.uri.sipURI?.hostAddress.string == "127.0.0.1")
        let token = try #require(referTo.uri.sipURI?.parameters["xfer"]?.value)
        #expect(refer.headers.values(.referredBy).map(\.string) == ["<sip:alice@127.0.0.1:5060>"])

        // Someone else presenting the token is challenged like any stranger.
        let transferURI = "sip:0033999@127.0.0.1:5060;xfer=\(token)"
        let invite = { (callID: String) in
            Rig.request(
                "INVITE", uri: transferURI, from: "<sip:0044207@127.0.0.9>;tag=t-\(callID)", to: "<sip:0033999@127.0.0.1>", callID: callID,
                cseq: 1, via: "SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK-\(callID)", headers: ["Contact: <sip:0044207@127.0.0.9:5060>"])
        }
        rig.receive(invite("stolen"), from: Rig.attacker)
        #expect(try rig.sent().map { $0.1.statusCode } == [407])
        // The transferee's own INVITE goes out as alice's call.
        rig.receive(invite("xfer-1"), from: Rig.carrier)
        let out = try rig.sent()
        #expect(out.contains { $0.0 == Rig.carrier && $0.1.method == .invite && $0.1.requestURIText?.string.hasPrefix("sip:+33999@") == true }, "\(out.map { $0.1.startLine })")
        let call = try #require(rig.calls.registry.call("xfer-1"))
        #expect(call.accountId == 1)
        #expect(call.callerDeviceId == 1)
        #expect(call.record.relatedCallID == "call-a")
        #expect(call.record.callerName == "alice")
        #expect(rig.calls.registry.calls(accountId: 1) == 2)
        #expect(rig.calls.ledger.reserved(accountId: 1) > 0, "the transfer call reserved nothing from alice's account")
        // The grant is spent: the same INVITE again under another Call-ID reaches nothing.
        rig.receive(invite("xfer-2"), from: Rig.carrier)
        #expect(try rig.sent().contains { $0.1.statusCode == 404 })
        #expect(rig.calls.registry.call("xfer-2") == nil)
        refer = try rig.sent().first?.1 ?? refer
    }

    @Test("a call a crash left up: both parties get a BYE with their dialog's tags, to their Contact, with a CSeq well past the last known")
    func orphanHungUp() throws {
        let rig = Rig()
        let dialog = OrphanDialog(
            callID: "left-1", caller: CallEndpoint(transport: .udp, address: Rig.alice), callee: CallEndpoint(transport: .udp, address: Rig.carrier),
            callerTarget: "sip:alice@127.0.0.2:5062", calleeTarget: "sip:0044207@127.0.0.9:5060", callerFrom: "<sip:alice@127.0.0.1>;tag=a1",
            callerTo: "<sip:0044207@127.0.0.1>", calleeTag: "c1", forwardedFrom: "<sip:+442000000@127.0.0.1:5060>;tag=a1", callerCSeq: 7,
            calleeCSeq: 0)
        rig.engine.hangUpOrphan(dialog, reason: "server restarted")
        let byes = try rig.sent()
        var toCarrier = try #require(byes.first { $0.0 == Rig.carrier }?.1)
        var toAlice = try #require(byes.first { $0.0 == Rig.alice }?.1)
        #expect(toCarrier.method == .bye && toAlice.method == .bye)
        #expect(toCarrier.requestURIText?.string == "sip:0044207@127.0.0.9:5060")
        #expect(try toCarrier.from().text.string == "<sip:+442000000@127.0.0.1:5060>;tag=a1", "as the carrier knows alice")
        #expect(try toCarrier.to().tag?.string == "c1")
        #expect(try toCarrier.cseq().sequence == 7 + OrphanDialog.cseqMargin)
        #expect(try toAlice.from().tag?.string == "c1" && toAlice.to().tag?.string == "a1")
        #expect(try toAlice.cseq().sequence == OrphanDialog.cseqMargin)
    }
}
