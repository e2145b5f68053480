import NIOCore
import Registrar
import SIPCore
import SIPTestSupport
import Testing

/// SIPWarden registering to a provider (RFC 3261 §10.2) with digest authentication (§22,
/// RFC 7616) and UDP retransmissions (§17.1.2.2), on a manual clock (Unix milliseconds).
@Suite("Outbound registration")
struct OutboundRegistrationTests {
    static let t0: Int64 = 1_790_000_000_000
    static let username = "alice"
    static let realm = "provider.example"
    static let password = "Provider-Pass-42"
    static let ha1MD5 = DigestCalculator.ha1(username: username, realm: realm, password: password, algorithm: .md5)
    static let ha1SHA256 = DigestCalculator.ha1(username: username, realm: realm, password: password, algorithm: .sha256)

    static func configuration(
        callID: OutboundRegistration.Configuration.CallIDPolicy = .keep, expires: Int = 600, sha256: Bool = true
    ) -> OutboundRegistration.Configuration {
        OutboundRegistration.Configuration(
            registrarHost: "192.0.2.1", registrarPort: 5060, domain: realm, username: username, realm: realm,
            ha1MD5: ha1MD5, ha1SHA256: sha256 ? ha1SHA256 : nil, expires: expires, callIDPolicy: callID,
            localHost: "198.51.100.7", localPort: 5062)
    }

    static func machine(_ configuration: OutboundRegistration.Configuration = configuration()) -> OutboundRegistration {
        OutboundRegistration(configuration: configuration, random: TestRandom(seed: 42))
    }

    static func challenge(
        nonce: String = "nonce-1", realm: String = realm, algorithm: String? = "MD5", stale: Bool = false, opaque: String? = nil
    ) -> String {
        var parts = ["realm=\"\(realm)\"", "nonce=\"\(nonce)\"", "qop=\"auth\""]
        if let algorithm { parts.append("algorithm=\(algorithm)") }
        if stale { parts.append("stale=true") }
        if let opaque { parts.append("opaque=\"\(opaque)\"") }
        return "Digest " + parts.joined(separator: ", ")
    }

    /// A response matching `request` (same Call-ID, CSeq and branch).
    static func response(
        to request: OutgoingRegister, _ code: Int, reason: String = "", challenges: [String] = [], proxy: Bool = false,
        expires: UInt32? = nil, contacts: [OutboundRegistration.ResponseSummary.Contact] = [], minExpires: UInt32? = nil
    ) -> OutboundRegistration.ResponseSummary {
        OutboundRegistration.ResponseSummary(
            statusCode: code, reasonPhrase: reason, callID: request.callID, cseq: request.cseq, branch: request.branch,
            wwwAuthenticate: proxy ? [] : challenges, proxyAuthenticate: proxy ? challenges : [], expires: expires,
            contacts: contacts, minExpires: minExpires)
    }

    static func sent(_ actions: [OutboundRegistration.Action]) -> [OutgoingRegister] {
        actions.compactMap { if case .send(let request) = $0 { return request } else { return nil } }
    }

    static func statuses(_ actions: [OutboundRegistration.Action]) -> [OutboundRegistration.Status] {
        actions.compactMap { if case .statusChanged(let status) = $0 { return status } else { return nil } }
    }

    static func parse(_ request: OutgoingRegister) throws -> SIPMessage {
        var message = try SIPMessage(parsing: request.bytes)
        try message.validate()
        return message
    }

    /// Runs one cycle: REGISTER, 401, REGISTER with credentials, 200. Returns the two requests.
    static func registerCycle(
        _ machine: inout OutboundRegistration, first: OutgoingRegister, now: Int64, nonce: String, granted: UInt32 = 600
    ) throws -> (OutgoingRegister, OutgoingRegister) {
        let answer = try #require(sent(machine.receive(response(to: first, 401, challenges: [challenge(nonce: nonce)]), now: now)).first)
        let done = machine.receive(response(to: answer, 200, expires: granted), now: now)
        #expect(statuses(done).last?.state == .registered)
        return (first, answer)
    }

    // MARK: - Request

    @Test("§10.2.1: the REGISTER has Via with branch and rport, Max-Forwards 70, the AOR in From (tagged) and To, Contact, Expires, User-Agent, Content-Length 0")
    func requestShape() throws {
        var machine = Self.machine()
        let actions = machine.start(now: Self.t0)
        let request = try #require(Self.sent(actions).first)
        #expect(Self.statuses(actions).map(\.state) == [.registering])
        var message = try Self.parse(request)
        #expect(message.method == .register)
        #expect(message.requestURIText?.string == "sip:192.0.2.1")
        let via = try message.topVia()
        #expect(via.text.string == "SIP/2.0/UDP 198.51.100.7:5062;branch=\(request.branch);rport")
        #expect(request.branch.hasPrefix("z9hG4bK-"))
        #expect(try message.maxForwards() == 70)
        #expect(try message.from().text.string.hasPrefix("<sip:alice@provider.example>;tag="))
        #expect(try message.from().tag?.isEmpty == false)
        #expect(try message.to().text.string == "<sip:alice@provider.example>")
        #expect(try message.to().tag == nil)
        #expect(try message.callID().string == request.callID)
        #expect(try message.cseq() == SIPCSeq(sequence: 1, method: .register))
        #expect(try message.contacts().contacts.map(\.uri.text.string) == ["sip:alice@198.51.100.7:5062"])
        #expect(try message.expires() == 600)
        #expect(message.userAgent == nil, "no User-Agent by default: nothing names the product (sip.user_agent)")
        #expect(message.contentLength == 0)
        #expect(try message.authorizations().isEmpty)
        #expect(machine.nextDeadline == Self.t0 + 500)
    }

    @Test("the Request-URI carries the registrar's port when it is not 5060, and an IPv6 literal in brackets")
    func requestURIForms() {
        var configuration = Self.configuration()
        configuration.registrarPort = 5070
        #expect(configuration.requestURI == "sip:192.0.2.1:5070")
        configuration.registrarHost = "2001:db8::1"
        configuration.registrarPort = nil
        #expect(configuration.requestURI == "sip:[2001:db8::1]")
        configuration.localHost = "2001:db8::7"
        #expect(configuration.contactURI == "sip:alice@[2001:db8::7]:5062")
    }

    // MARK: - Call-ID and CSeq

    @Test(
        "§10.2.4 keep: one Call-ID, CSeq + 1 for every REGISTER; new (provider quirk): a fresh Call-ID and CSeq 1 each cycle, the challenge answer keeping the cycle's Call-ID with CSeq + 1",
        arguments: [OutboundRegistration.Configuration.CallIDPolicy.keep, .new])
    func callIDAcrossRefreshes(policy: OutboundRegistration.Configuration.CallIDPolicy) throws {
        var machine = Self.machine(Self.configuration(callID: policy))
        var now = Self.t0
        var first = try #require(Self.sent(machine.start(now: now)).first)
        var requests: [OutgoingRegister] = []
        for refresh in 0...3 {
            let (plain, answered) = try Self.registerCycle(&machine, first: first, now: now, nonce: "nonce-\(refresh)")
            requests += [plain, answered]
            #expect(machine.status.callID == plain.callID)
            now = try #require(machine.nextDeadline)
            first = try #require(Self.sent(machine.tick(now: now)).first)
        }
        let cycles = stride(from: 0, to: requests.count, by: 2).map { (requests[$0], requests[$0 + 1]) }
        for (plain, answered) in cycles {
            #expect(answered.callID == plain.callID)
            #expect(answered.cseq == plain.cseq + 1)
        }
        switch policy {
        case .keep:
            #expect(Set(requests.map(\.callID)).count == 1)
            #expect(requests.map(\.cseq) == Array(1...8))
            #expect(first.callID == requests[0].callID && first.cseq == 9)
        case .new:
            #expect(Set(cycles.map(\.0.callID)).count == 4)
            #expect(cycles.allSatisfy { $0.0.cseq == 1 && $0.1.cseq == 2 })
            #expect(first.callID != requests.last?.callID && first.cseq == 1)
        }
        // The From tag lasts the registration's life in both modes.
        let tags = try (requests + [first]).map { try Self.parse($0) }.map { message -> String? in
            var message = message
            return try message.from().tag?.string
        }
        #expect(Set(tags).count == 1)
    }

    // MARK: - Digest

    struct DigestRow: Sendable, CustomTestStringConvertible {
        let code: Int
        let challenges: [String]
        let algorithm: DigestAlgorithm
        let sha256Credentials: Bool
        let testDescription: String
    }

    static let digestRows: [DigestRow] = [
        DigestRow(code: 401, challenges: [challenge(algorithm: "MD5")], algorithm: .md5, sha256Credentials: true,
                  testDescription: "RFC 7616 §3.4: 401 with MD5 answered in Authorization"),
        DigestRow(code: 401, challenges: [challenge(algorithm: nil)], algorithm: .md5, sha256Credentials: true,
                  testDescription: "RFC 7616 §3.3: no algorithm parameter means MD5"),
        DigestRow(code: 407, challenges: [challenge(algorithm: "MD5")], algorithm: .md5, sha256Credentials: true,
                  testDescription: "RFC 3261 §22.3: 407 answered in Proxy-Authorization"),
        DigestRow(code: 401, challenges: [challenge(algorithm: "SHA-512-256"), challenge(algorithm: "SHA-256"), challenge(algorithm: "MD5")],
                  algorithm: .sha256, sha256Credentials: true,
                  testDescription: "RFC 8760 §2.4: the first challenge we have an HA1 for (SHA-512-256 skipped, SHA-256 taken)"),
        DigestRow(code: 401, challenges: [challenge(algorithm: "SHA-256"), challenge(algorithm: "MD5")], algorithm: .md5, sha256Credentials: false,
                  testDescription: "without a SHA-256 HA1 the MD5 challenge is taken"),
    ]

    @Test(arguments: digestRows)
    func digestAnswer(row: DigestRow) throws {
        var machine = Self.machine(Self.configuration(sha256: row.sha256Credentials))
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        let challenges = row.challenges.map { $0.replacingOccurrences(of: "qop=\"auth\"", with: "qop=\"auth\", opaque=\"op-1\"") }
        let answer = try #require(Self.sent(machine.receive(Self.response(to: first, row.code, challenges: challenges, proxy: row.code == 407), now: Self.t0 + 20)).first)
        #expect(answer.callID == first.callID)
        #expect(answer.cseq == first.cseq + 1)
        #expect(answer.branch != first.branch)
        let message = try Self.parse(answer)
        let credentials = try row.code == 407 ? message.proxyAuthorizations() : message.authorizations()
        #expect(try (row.code == 407 ? message.authorizations() : message.proxyAuthorizations()).isEmpty)
        let value = try #require(credentials.first)
        #expect(credentials.count == 1)
        #expect(value.username == "alice")
        #expect(value.realm == Self.realm)
        #expect(value.nonce == "nonce-1")
        #expect(value.uri == "sip:192.0.2.1")
        #expect(value.qop == "auth")
        #expect(value.nonceCount == "00000001")
        #expect(value.opaque == "op-1")
        let cnonce = try #require(value.cnonce)
        #expect(cnonce.count == 16)
        #expect(DigestAlgorithm(token: value.algorithm ?? "MD5") == row.algorithm)
        let ha1 = row.algorithm == .md5 ? Self.ha1MD5 : Self.ha1SHA256
        let ha2 = DigestCalculator.ha2(method: "REGISTER", digestURI: "sip:192.0.2.1", qop: .auth, algorithm: row.algorithm)
        let expected = DigestCalculator.response(
            ha1: ha1, nonce: "nonce-1", nonceCount: "00000001", cnonce: cnonce, qop: .auth, ha2: ha2, algorithm: row.algorithm)
        #expect(value.response == expected)
    }

    @Test("RFC 7616 §3.4: a quote or backslash in the provider's nonce is escaped when sent back, and the digest is over the unescaped nonce")
    func nonceEscaping() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        let answer = try #require(Self.sent(machine.receive(Self.response(to: first, 401, challenges: [Self.challenge(nonce: #"a\"b\\c"#)]), now: Self.t0)).first)
        let value = try #require(try Self.parse(answer).authorizations().first)
        #expect(value.nonce == #"a"b\c"#)
        let ha2 = DigestCalculator.ha2(method: "REGISTER", digestURI: "sip:192.0.2.1", qop: .auth, algorithm: .md5)
        #expect(value.response == DigestCalculator.response(
            ha1: Self.ha1MD5, nonce: #"a"b\c"#, nonceCount: "00000001", cnonce: value.cnonce, qop: .auth, ha2: ha2, algorithm: .md5))
    }

    struct FailureRow: Sendable, CustomTestStringConvertible {
        let challenges: [String]
        let error: String
        let testDescription: String
    }

    @Test(arguments: [
        FailureRow(challenges: [challenge(realm: "other.example")],
                   error: "provider challenged with realm other.example, credentials were made for provider.example",
                   testDescription: "RFC 7616 §3.4.2: a challenge for another realm cannot be answered from our HA1"),
        FailureRow(challenges: [challenge(algorithm: "SHA-512-256")],
                   error: "provider challenged with only SHA-512-256; credentials exist for MD5 and SHA-256",
                   testDescription: "RFC 8760: an algorithm we have no HA1 for"),
        FailureRow(challenges: ["Basic realm=\"x\""],
                   error: "provider challenged with no digest challenge; credentials exist for MD5 and SHA-256",
                   testDescription: "RFC 3261 §22.1: Basic is not answered"),
    ])
    func unanswerableChallenge(row: FailureRow) throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        let actions = machine.receive(Self.response(to: first, 401, challenges: row.challenges), now: Self.t0 + 10)
        #expect(Self.sent(actions).isEmpty)
        let status = try #require(Self.statuses(actions).last)
        #expect(status.state == .failed)
        #expect(status.lastStatusCode == 401)
        #expect(status.lastError == row.error)
        #expect(status.nextAttemptAt == Self.t0 + 10 + 30_000)
    }

    @Test("RFC 7616 §3.3: stale=true after our credentials is answered once more with the new nonce; a second stale challenge is a rejection")
    func staleNonce() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        let answer = try #require(Self.sent(machine.receive(Self.response(to: first, 401, challenges: [Self.challenge(nonce: "old")]), now: Self.t0)).first)
        let again = try #require(Self.sent(machine.receive(Self.response(to: answer, 401, challenges: [Self.challenge(nonce: "fresh", stale: true)]), now: Self.t0)).first)
        #expect(again.callID == first.callID)
        #expect(again.cseq == 3)
        let value = try #require(try Self.parse(again).authorizations().first)
        #expect(value.nonce == "fresh")
        #expect(value.nonceCount == "00000001")
        // The same stale story again in this cycle: the credentials are the problem.
        let actions = machine.receive(Self.response(to: again, 401, reason: "Unauthorized", challenges: [Self.challenge(nonce: "fresher", stale: true)]), now: Self.t0)
        #expect(Self.sent(actions).isEmpty)
        #expect(machine.status.state == .failed)
        #expect(machine.status.lastError == "credentials rejected (401 Unauthorized)")
    }

    @Test("RFC 3261 §22.2: a second challenge (not stale) to our credentials fails the attempt: credentials rejected, retry in 30 s")
    func rejectedCredentials() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        let answer = try #require(Self.sent(machine.receive(Self.response(to: first, 401, challenges: [Self.challenge()]), now: Self.t0)).first)
        let actions = machine.receive(Self.response(to: answer, 401, reason: "Unauthorized", challenges: [Self.challenge(nonce: "nonce-2")]), now: Self.t0 + 100)
        #expect(Self.sent(actions).isEmpty)
        #expect(Self.statuses(actions) == [OutboundRegistration.Status(
            state: .failed, lastStatusCode: 401, lastError: "credentials rejected (401 Unauthorized)", nextAttemptAt: Self.t0 + 30_100,
            callID: first.callID)])
        #expect(machine.nextDeadline == Self.t0 + 30_100)
        // The retry is a new cycle that starts without credentials.
        let retry = try #require(Self.sent(machine.tick(now: Self.t0 + 30_100)).first)
        #expect(try Self.parse(retry).authorizations().isEmpty)
        #expect(retry.cseq == 3)
        #expect(machine.status.state == .registering)
    }

    // MARK: - Expiry

    @Test("§10.2.8: 423 is retried at once with Min-Expires (same Call-ID, CSeq + 1); later refreshes keep asking for it")
    func intervalTooBrief() throws {
        var machine = Self.machine(Self.configuration(expires: 60))
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        let retry = try #require(Self.sent(machine.receive(Self.response(to: first, 423, minExpires: 300), now: Self.t0 + 10)).first)
        #expect(retry.callID == first.callID)
        #expect(retry.cseq == 2)
        #expect(retry.expires == 300)
        #expect(try Self.parse(retry).expires() == 300)
        // The retry is challenged like any first request; the answer keeps the raised expiry.
        let (_, answer) = try Self.registerCycle(&machine, first: retry, now: Self.t0 + 20, nonce: "n", granted: 300)
        #expect(answer.expires == 300)
        let refreshAt = try #require(machine.nextDeadline)
        let refresh = try #require(Self.sent(machine.tick(now: refreshAt)).first)
        #expect(refresh.expires == 300)
    }

    @Test("§10.2.8: 423 without a larger Min-Expires is a failure, not a loop")
    func intervalTooBriefWithoutMinimum() throws {
        var machine = Self.machine(Self.configuration(expires: 600))
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        for minimum in [nil, UInt32(600)] {
            var copy = machine
            let actions = copy.receive(Self.response(to: first, 423, reason: "Interval Too Brief", minExpires: minimum), now: Self.t0)
            #expect(Self.sent(actions).isEmpty)
            #expect(copy.status.state == .failed)
            #expect(copy.status.lastStatusCode == 423)
        }
    }

    struct RefreshRow: Sendable, CustomTestStringConvertible {
        let asked: Int
        let expiresHeader: UInt32?
        let contacts: [OutboundRegistration.ResponseSummary.Contact]
        let granted: Int64
        let refreshAfter: Int64
        let testDescription: String
    }

    @Test(arguments: [
        RefreshRow(asked: 600, expiresHeader: 900, contacts: [.init(uri: "sip:alice@198.51.100.7:5062", expires: 300)], granted: 300, refreshAfter: 240,
                   testDescription: "§10.2.4: our Contact's expires parameter wins; refresh when 80 % has passed"),
        RefreshRow(asked: 600, expiresHeader: nil,
                   contacts: [.init(uri: "sip:bob@203.0.113.9", expires: 50), .init(uri: "sip:alice@198.51.100.7:5062", expires: 3600)],
                   granted: 3600, refreshAfter: 2880, testDescription: "§10.3 step 8: other bindings of the AOR are not ours"),
        RefreshRow(asked: 600, expiresHeader: 120, contacts: [], granted: 120, refreshAfter: 96,
                   testDescription: "§10.2.4: else the Expires header"),
        RefreshRow(asked: 600, expiresHeader: nil, contacts: [], granted: 600, refreshAfter: 480,
                   testDescription: "else what we asked for"),
        RefreshRow(asked: 600, expiresHeader: nil, contacts: [.init(uri: "sip:alice@192.0.2.200:40000", expires: 90)], granted: 90, refreshAfter: 72,
                   testDescription: "a single Contact rewritten by the registrar (NAT) is taken as ours"),
        RefreshRow(asked: 600, expiresHeader: 20, contacts: [], granted: 20, refreshAfter: 15,
                   testDescription: "at least 5 s before expiry"),
        RefreshRow(asked: 600, expiresHeader: 2, contacts: [], granted: 2, refreshAfter: 1,
                   testDescription: "but never before half of a very short grant has passed"),
    ])
    func refreshTiming(row: RefreshRow) throws {
        var machine = Self.machine(Self.configuration(expires: row.asked))
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        // The answer comes 300 ms later: time is counted from when the request left.
        let actions = machine.receive(Self.response(to: first, 200, expires: row.expiresHeader, contacts: row.contacts), now: Self.t0 + 300)
        let status = try #require(Self.statuses(actions).last)
        #expect(status.state == .registered)
        #expect(status.lastStatusCode == 200)
        #expect(status.lastError == nil)
        #expect(status.registeredUntil == Self.t0 + row.granted * 1000)
        #expect(status.nextAttemptAt == Self.t0 + row.refreshAfter * 1000)
        #expect(machine.nextDeadline == Self.t0 + row.refreshAfter * 1000)
        #expect(machine.tick(now: Self.t0 + row.refreshAfter * 1000 - 1).isEmpty)
        let refresh = try #require(Self.sent(machine.tick(now: Self.t0 + row.refreshAfter * 1000)).first)
        #expect(refresh.cseq == 2)
        // A refresh does not flip the state back to registering: the binding still stands.
        #expect(machine.status.state == .registered)
    }

    @Test("a 2xx that keeps no time for our Contact (expires=0) is a failure")
    func zeroGrant() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        _ = machine.receive(Self.response(to: first, 200, contacts: [.init(uri: "sip:alice@198.51.100.7:5062", expires: 0)]), now: Self.t0)
        #expect(machine.status.state == .failed)
    }

    // MARK: - Failures and backoff

    @Test("failures back off 30 s, 60 s, 120 s ... capped at 600 s; a success resets the sequence")
    func backoff() throws {
        var machine = Self.machine()
        var request = try #require(Self.sent(machine.start(now: Self.t0)).first)
        var now = Self.t0
        var delays: [Int64] = []
        for _ in 0..<7 {
            _ = machine.receive(Self.response(to: request, 503, reason: "Service Unavailable"), now: now)
            #expect(machine.status.state == .failed)
            #expect(machine.status.lastStatusCode == 503)
            #expect(machine.status.lastError == "provider answered 503 Service Unavailable")
            let next = try #require(machine.nextDeadline)
            #expect(machine.status.nextAttemptAt == next)
            delays.append((next - now) / 1000)
            now = next
            request = try #require(Self.sent(machine.tick(now: now)).first)
        }
        #expect(delays == [30, 60, 120, 240, 480, 600, 600])
        _ = machine.receive(Self.response(to: request, 200), now: now)
        #expect(machine.status.state == .registered)
        now = try #require(machine.nextDeadline)
        request = try #require(Self.sent(machine.tick(now: now)).first)
        _ = machine.receive(Self.response(to: request, 403, reason: "Forbidden"), now: now)
        #expect(machine.nextDeadline == now + 30_000)
        // The binding from the last success is still reported while it lasts.
        #expect(machine.status.registeredUntil != nil)
    }

    @Test("§17.1.2.2: over UDP the REGISTER is resent at T1 doubling to T2, byte for byte; Timer F (64·T1) fails it as a 408 and backs off")
    func retransmissionSchedule() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        var sends: [Int64] = [0]
        var failure: OutboundRegistration.Status?
        while failure == nil, let deadline = machine.nextDeadline, deadline < Self.t0 + 60_000 {
            #expect(machine.tick(now: deadline - 1).isEmpty)
            let actions = machine.tick(now: deadline)
            for request in Self.sent(actions) {
                #expect(request.isRetransmission)
                #expect(request.bytes == first.bytes)
                sends.append(deadline - Self.t0)
            }
            failure = Self.statuses(actions).last
        }
        #expect(sends == [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500])
        let status = try #require(failure)
        #expect(status.state == .failed)
        #expect(status.lastStatusCode == 408)
        #expect(status.lastError == "no answer from the provider within 32 s")
        #expect(status.nextAttemptAt == Self.t0 + 32_000 + 30_000)
    }

    @Test("§17.1.2.2: after a 1xx the retransmissions continue every T2 until the final response")
    func provisionalStopsDoubling() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        var sends: [Int64] = [0]
        _ = machine.tick(now: Self.t0 + 500)
        sends.append(500)
        #expect(machine.receive(Self.response(to: first, 100, reason: "Trying"), now: Self.t0 + 600).isEmpty)
        while let deadline = machine.nextDeadline, deadline < Self.t0 + 20_000 {
            if !Self.sent(machine.tick(now: deadline)).isEmpty { sends.append(deadline - Self.t0) }
        }
        #expect(sends == [0, 500, 1500, 5500, 9500, 13_500, 17_500])
        _ = machine.receive(Self.response(to: first, 200), now: Self.t0 + 18_000)
        #expect(machine.status.state == .registered)
    }

    @Test("§17.1.3: a response is ours only with our Call-ID, CSeq and branch; others (and late copies) change nothing")
    func matching() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        var wrongBranch = Self.response(to: first, 200)
        wrongBranch.branch = "z9hG4bK-other"
        var wrongCSeq = Self.response(to: first, 200)
        wrongCSeq.cseq = 7
        var wrongCallID = Self.response(to: first, 200)
        wrongCallID.callID = "someone-else"
        for response in [wrongBranch, wrongCSeq, wrongCallID] {
            #expect(machine.receive(response, now: Self.t0).isEmpty)
        }
        #expect(machine.status.state == .registering)
        #expect(machine.owns(callID: first.callID))
        #expect(!machine.owns(callID: "someone-else"))
        let answer = try #require(Self.sent(machine.receive(Self.response(to: first, 401, challenges: [Self.challenge()]), now: Self.t0)).first)
        // A retransmitted 401 for the first request is late now.
        #expect(machine.receive(Self.response(to: first, 401, challenges: [Self.challenge()]), now: Self.t0 + 1).isEmpty)
        _ = machine.receive(Self.response(to: answer, 200), now: Self.t0 + 2)
        #expect(machine.status.state == .registered)
    }

    // MARK: - Stop

    @Test(
        "§10.2.2: stop removes the binding with Expires 0 (keep: same Call-ID, CSeq + 1; new: a fresh Call-ID), answers the challenge, then is stopped",
        arguments: [OutboundRegistration.Configuration.CallIDPolicy.keep, .new])
    func stopUnregisters(policy: OutboundRegistration.Configuration.CallIDPolicy) throws {
        var machine = Self.machine(Self.configuration(callID: policy))
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        let (_, answer) = try Self.registerCycle(&machine, first: first, now: Self.t0, nonce: "n1")
        let removal = try #require(Self.sent(machine.stop(now: Self.t0 + 1_000)).first)
        #expect(removal.expires == 0)
        var message = try Self.parse(removal)
        #expect(try message.expires() == 0)
        #expect(try message.contacts().contacts.map(\.uri.text.string) == ["sip:alice@198.51.100.7:5062"])
        if policy == .keep {
            #expect(removal.callID == answer.callID && removal.cseq == answer.cseq + 1)
        } else {
            #expect(removal.callID != answer.callID && removal.cseq == 1)
        }
        #expect(machine.stop(now: Self.t0 + 1_001).isEmpty)
        let removalAnswer = try #require(Self.sent(machine.receive(Self.response(to: removal, 401, challenges: [Self.challenge(nonce: "n2")]), now: Self.t0 + 1_010)).first)
        #expect(removalAnswer.expires == 0)
        #expect(removalAnswer.callID == removal.callID && removalAnswer.cseq == removal.cseq + 1)
        let actions = machine.receive(Self.response(to: removalAnswer, 200), now: Self.t0 + 1_020)
        #expect(Self.statuses(actions).map(\.state) == [.unregistered])
        #expect(machine.isStopped)
        #expect(machine.nextDeadline == nil)
    }

    @Test("stop sends nothing when no binding can exist: before start, or while backing off with nothing registered")
    func stopWithoutBinding() throws {
        var idle = Self.machine()
        #expect(Self.sent(idle.stop(now: Self.t0)).isEmpty)
        #expect(idle.isStopped)
        var failed = Self.machine()
        let first = try #require(Self.sent(failed.start(now: Self.t0)).first)
        _ = failed.receive(Self.response(to: first, 404), now: Self.t0)
        #expect(Self.sent(failed.stop(now: Self.t0 + 5)).isEmpty)
        #expect(failed.isStopped)
        #expect(failed.status.state == .unregistered)
    }

    @Test("a removal that times out is given up (no retry): the machine stops")
    func stopTimesOut() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        _ = machine.receive(Self.response(to: first, 200), now: Self.t0)
        _ = machine.stop(now: Self.t0 + 10)
        _ = machine.tick(now: Self.t0 + 10 + 32_000)
        #expect(machine.isStopped)
        #expect(machine.status.lastStatusCode == 408)
    }

    // MARK: - Reading responses

    @Test("the summary of a parsed response: matching keys, each challenge value, Expires, Contacts with expires, Min-Expires")
    func responseSummary() throws {
        var message = try SIPMessage(parsing: SampleMessages.message([
            "SIP/2.0 401 Unauthorized",
            "Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-abc;rport=5062;received=198.51.100.7",
            "From: <sip:alice@provider.example>;tag=1",
            "To: <sip:alice@provider.example>;tag=2",
            "Call-ID: cid-1",
            "CSeq: 4 REGISTER",
            "WWW-Authenticate: Digest realm=\"provider.example\", nonce=\"n,1\", algorithm=SHA-256, qop=\"auth\"",
            "WWW-Authenticate: Digest realm=\"provider.example\",",
            " nonce=\"n2\", algorithm=MD5",
            "Contact: <sip:alice@198.51.100.7:5062>;expires=120, <sip:alice@203.0.113.1>",
            "Expires: 300",
            "Min-Expires: 60",
        ]))
        let summary = try #require(OutboundRegistration.ResponseSummary(&message))
        #expect(summary.statusCode == 401)
        #expect(summary.reasonPhrase == "Unauthorized")
        #expect(summary.callID == "cid-1")
        #expect(summary.cseq == 4)
        #expect(summary.branch == "z9hG4bK-abc")
        #expect(summary.wwwAuthenticate.count == 2)
        #expect(summary.proxyAuthenticate.isEmpty)
        #expect(summary.expires == 300)
        #expect(summary.contacts == [.init(uri: "sip:alice@198.51.100.7:5062", expires: 120), .init(uri: "sip:alice@203.0.113.1", expires: nil)])
        #expect(summary.minExpires == 60)
        // Both challenges (the second one folded) are usable: SHA-256 is chosen, comma in the nonce kept.
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start(now: Self.t0)).first)
        var matched = summary
        matched.callID = first.callID
        matched.cseq = first.cseq
        matched.branch = first.branch
        let answer = try #require(Self.sent(machine.receive(matched, now: Self.t0)).first)
        let value = try #require(try Self.parse(answer).authorizations().first)
        #expect(value.algorithm == "SHA-256")
        #expect(value.nonce == "n,1")
    }

    @Test("a request is not a response, and a response to another method is not ours")
    func summaryRefusals() throws {
        var request = try SIPMessage(parsing: SampleMessages.register)
        #expect(OutboundRegistration.ResponseSummary(&request) == nil)
        var options = try SIPMessage(parsing: SampleMessages.message([
            "SIP/2.0 200 OK", "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-1", "From: <sip:a@b>;tag=1", "To: <sip:a@b>",
            "Call-ID: c", "CSeq: 1 OPTIONS",
        ]))
        #expect(OutboundRegistration.ResponseSummary(&options) == nil)
    }
}

/// A reproducible generator (SplitMix64), so that failures replay.
struct TestRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
