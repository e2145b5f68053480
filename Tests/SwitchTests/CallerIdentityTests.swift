import NIOCore
import SIPCore
@testable import Switch
import Testing

/// RFC 3325 asserted identity and RFC 3323 privacy at the switch: what a device may present
/// to a carrier, and what a carrier's identity becomes toward a phone.
@Suite("Caller identity")
struct CallerIdentityTests {
    typealias Rig = SwitchRig

    /// alice's INVITE to the carrier, with her chosen From and extra headers; it is
    /// challenged first and then sent with credentials, as a phone does.
    static func aliceInvite(from: String, headers: [String], rig: Rig) throws -> SIPMessage {
        let uri = "sip:0044207@127.0.0.1"
        let first = Rig.request("INVITE", uri: uri, from: from, to: "<\(uri)>", callID: "id-1", cseq: 1,
                                via: "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-id1;rport", headers: headers)
        rig.receive(first, from: Rig.alice)
        var challenge = try #require(try rig.sent().first?.1)
        let header = try #require(challenge.headers.values(.proxyAuthenticate).first?.string)
        let nonce = String(header.split(separator: "nonce=\"")[1].prefix { $0 != "\"" })
        _ = try? challenge.to()
        let ha1 = DigestCalculator.ha1(username: "alice", realm: "sipwarden", password: Rig.password, algorithm: .md5)
        let ha2 = DigestCalculator.ha2(method: "INVITE", digestURI: uri, qop: .auth, algorithm: .md5)
        let response = DigestCalculator.response(ha1: ha1, nonce: nonce, nonceCount: "00000001", cnonce: "c", qop: .auth, ha2: ha2, algorithm: .md5)
        rig.receive(Rig.request(
            "INVITE", uri: uri, from: from, to: "<\(uri)>", callID: "id-1", cseq: 2, via: "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-id2;rport",
            headers: headers + [
                "Proxy-Authorization: Digest username=\"alice\", realm=\"sipwarden\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(response)\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c\"",
            ]), from: Rig.alice)
        return try #require(try rig.sent().first { $0.0 == Rig.carrier && $0.1.method == .invite }?.1)
    }

    static let spoofing = [
        "P-Asserted-Identity: <sip:+18005551234@bank.example>", "P-Preferred-Identity: <sip:+441234567@127.0.0.1>",
        "Remote-Party-ID: <sip:+18005551234@bank.example>;party=calling", "Diversion: <sip:+18005551234@bank.example>;reason=unconditional",
        "Contact: <sip:alice@127.0.0.2:5062>",
    ]

    @Test("a device presenting another customer's number, with identity headers of its own, reaches the carrier as its own number only")
    func noSpoofedCallerID() throws {
        let rig = Rig()
        var invite = try Self.aliceInvite(from: "\"Your Bank\" <sip:+441234567@127.0.0.1>;tag=a1", headers: Self.spoofing, rig: rig)
        #expect(try invite.from().uri.sipURI?.user?.string == "+442000000", "alice's own DID")
        #expect(try invite.from().tag?.string == "a1", "the tag is kept")
        #expect(try invite.from().displayName == nil)
        #expect(invite.headers.values(.pAssertedIdentity).map(\.string) == ["<sip:+442000000@127.0.0.1:5060>"])
        #expect(invite.headers.values(.pPreferredIdentity).isEmpty)
        #expect(invite.headers.values(named: "Remote-Party-ID").isEmpty)
        #expect(invite.headers.values(named: "Diversion").isEmpty)
        #expect(rig.calls.registry.call("id-1")?.record.callerID == "+442000000")
        #expect(rig.calls.registry.call("id-1")?.record.from.contains("Your Bank") == true, "the record keeps the From as received")
        // The carrier's answer goes back to alice with her own From.
        rig.receive(Rig.response(180, to: invite, tag: "c1"), from: Rig.carrier)
        var ringing = try #require(try rig.sent().first { $0.0 == Rig.alice }?.1)
        #expect(try ringing.from().uri.sipURI?.user?.string == "+441234567")
        // Her CANCEL reaches the carrier with the From of the INVITE it cancels (§9.1).
        rig.receive(Rig.request(
            "CANCEL", uri: "sip:0044207@127.0.0.1", from: "\"Your Bank\" <sip:+441234567@127.0.0.1>;tag=a1", to: "<sip:0044207@127.0.0.1>",
            callID: "id-1", cseq: 2, via: "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-id2;rport"), from: Rig.alice)
        var cancel = try #require(try rig.sent().first { $0.0 == Rig.carrier && $0.1.method == .cancel }?.1)
        #expect(try cancel.from().text.string == (try invite.from().text.string))
    }

    @Test("a DID of its own account may be presented (callerIDChoice account); the caller ID wins when set; fixed allows nothing else")
    func choices() {
        let directory = CallerDirectory(
            devices: [
                DeviceCredentials(id: 1, accountId: 1, username: "alice", realm: "r", ha1MD5: "", ha1SHA256: ""),
                DeviceCredentials(id: 3, accountId: 1, username: "anna", realm: "r", ha1MD5: "", ha1SHA256: ""),
                DeviceCredentials(id: 2, accountId: 2, username: "bob", realm: "r", ha1MD5: "", ha1SHA256: ""),
            ],
            dids: ["+442000000": 1, "+442000001": 3, "+441234567": 2])
        var alice = directory.devicesById[1]!
        #expect(CallerIdentity.number(for: alice, asking: ["+442000001"], directory: directory) == "+442000001", "her account's other DID")
        #expect(CallerIdentity.number(for: alice, asking: ["442000001"], directory: directory) == "+442000001", "without the +")
        #expect(CallerIdentity.number(for: alice, asking: ["+441234567"], directory: directory) == "+442000000", "another account's DID")
        #expect(CallerIdentity.number(for: alice, asking: [], directory: directory) == "+442000000")
        alice.callerID = "+442999999"
        #expect(CallerIdentity.number(for: alice, asking: ["+441234567"], directory: directory) == "+442999999")
        alice.callerIDChoice = .fixed
        #expect(CallerIdentity.number(for: alice, asking: ["+442000001"], directory: directory) == "+442999999")
        let nobody = DeviceCredentials(id: 9, accountId: 9, username: "nobody", realm: "r", ha1MD5: "", ha1SHA256: "")
        #expect(CallerIdentity.number(for: nobody, asking: ["+441234567"], directory: directory) == "nobody")
    }

    @Test("RFC 3323/3325: a caller asking for privacy goes out anonymous, its identity asserted to the trusted carrier only, with Privacy: id")
    func privacy() throws {
        for headers in [["Privacy: id"], []] {
            let rig = Rig()
            let from = headers.isEmpty ? "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a1" : "<sip:alice@127.0.0.1>;tag=a1"
            var invite = try Self.aliceInvite(from: from, headers: headers + ["Contact: <sip:alice@127.0.0.2:5062>"], rig: rig)
            #expect(try invite.from().uri.sipURI?.user?.string == "anonymous", "\(headers)")
            #expect(invite.headers.values(.pAssertedIdentity).map(\.string) == ["<sip:+442000000@127.0.0.1:5060>"])
            #expect(invite.headers.values(.privacy).map { $0.string.lowercased() } == ["id"])
        }
    }

    @Test("toward a phone: a trusted carrier's P-Asserted-Identity is passed on unless it asks for privacy")
    func inbound() throws {
        for privacy in [false, true] {
            let rig = Rig()
            var headers = ["P-Asserted-Identity: <sip:+33111@carrier.example>", "Contact: <sip:+33111@127.0.0.9:5060>",
                           "Remote-Party-ID: <sip:+1999@x>;party=calling"]
            if privacy { headers.append("Privacy: id") }
            rig.receive(Rig.request(
                "INVITE", uri: "sip:+441234567@127.0.0.1", from: "<sip:+33111@127.0.0.9>;tag=c1", to: "<sip:+441234567@127.0.0.1>",
                callID: "in-\(privacy)", cseq: 1, via: "SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK-in", headers: headers), from: Rig.carrier)
            let invite = try #require(try rig.sent().first { $0.0 == Rig.phone && $0.1.method == .invite }?.1)
            let asserted = invite.headers.values(.pAssertedIdentity).map(\.string)
            #expect(asserted == (privacy ? [] : ["<sip:+33111@carrier.example>"]), "privacy \(privacy)")
            #expect(invite.headers.values(named: "Remote-Party-ID").isEmpty)
        }
    }
}
