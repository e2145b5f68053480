import NIOCore
import SIPCore
import SIPTestSupport
import Switch
import Testing

/// Digest authentication as a server (RFC 3261 §22, RFC 7616, RFC 8760), with time passed in.
@Suite("Digest authenticator")
struct DigestAuthenticatorTests {
    static let secret = Array(repeating: UInt8(7), count: 32)
    static let ip: [UInt8] = [192, 0, 2, 10]
    static let t0: Int64 = 1_790_000_000_000
    static let password = "Correct-Horse-9"
    static let device = DeviceCredentials(
        id: 1, accountId: 1, username: "1001", realm: "sipwarden",
        ha1MD5: DigestCalculator.ha1(username: "1001", realm: "sipwarden", password: password, algorithm: .md5),
        ha1SHA256: DigestCalculator.ha1(username: "1001", realm: "sipwarden", password: password, algorithm: .sha256))

    static func authenticator(_ configuration: DigestAuthenticator.Configuration = .init(), secret: [UInt8] = secret) -> DigestAuthenticator {
        DigestAuthenticator(configuration: configuration, secret: secret)
    }

    static func lookup(_ name: String) -> DeviceCredentials? { name == device.username ? device : nil }

    /// The nonce of the first challenge header.
    static func nonce(_ headers: [(name: String, value: String)]) throws -> String {
        let value = try #require(headers.first?.value)
        let start = try #require(value.range(of: "nonce=\""))
        let rest = value[start.upperBound...]
        return String(rest[..<rest.firstIndex(of: "\"")!])
    }

    /// A REGISTER answering `nonce` as a client would.
    static func register(
        username: String = "1001", password: String = password, nonce: String, nc: String = "00000001",
        algorithm: DigestAlgorithm = .md5, cseq: Int = 2, branch: String = "z9hG4bK-1", header: String = "Authorization",
        method: String = "REGISTER", requestURI: String = "sip:sipwarden.example", digestURI: String? = nil
    ) throws -> SIPMessage {
        let uri = digestURI ?? requestURI
        let ha1 = DigestCalculator.ha1(username: username, realm: "sipwarden", password: password, algorithm: algorithm)
        let ha2 = DigestCalculator.ha2(method: method, digestURI: uri, qop: .auth, algorithm: algorithm)
        let response = DigestCalculator.response(ha1: ha1, nonce: nonce, nonceCount: nc, cnonce: "abc123", qop: .auth, ha2: ha2, algorithm: algorithm)
        let text = SampleMessages.message([
            "\(method) \(requestURI) SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=\(branch)",
            "Max-Forwards: 70",
            "To: <sip:\(username)@sipwarden.example>",
            "From: <sip:\(username)@sipwarden.example>;tag=1",
            "Call-ID: call-1",
            "CSeq: \(cseq) \(method)",
            "Contact: <sip:\(username)@192.0.2.10>",
            "\(header): Digest username=\"\(username)\", realm=\"sipwarden\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(response)\", algorithm=\(algorithm.rawValue), qop=auth, nc=\(nc), cnonce=\"abc123\"",
        ])
        var message = try SIPMessage(parsing: ByteBuffer(string: text), framing: .datagram)
        try message.validate()
        return message
    }

    @Test("RFC 8760 §2.4: one challenge per configured algorithm, in order, with the same fresh nonce and qop=auth")
    func challenges() throws {
        let auth = Self.authenticator(.init(algorithms: [.sha256, .md5]))
        let headers = auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0)
        #expect(headers.map(\.name) == ["WWW-Authenticate", "WWW-Authenticate"])
        let nonce = try Self.nonce(headers)
        #expect(headers[0].value == "Digest realm=\"sipwarden\", nonce=\"\(nonce)\", algorithm=SHA-256, qop=\"auth\"")
        #expect(headers[1].value == "Digest realm=\"sipwarden\", nonce=\"\(nonce)\", algorithm=MD5, qop=\"auth\"")
        let proxy = auth.challenge(proxy: true, stale: true, sourceIP: Self.ip, now: Self.t0)
        #expect(proxy.allSatisfy { $0.name == "Proxy-Authenticate" && $0.value.hasSuffix(", stale=true") })
    }

    @Test("right credentials with MD5 and with SHA-256 authenticate the device")
    func success() throws {
        let auth = Self.authenticator(.init(algorithms: [.md5, .sha256]))
        for algorithm in [DigestAlgorithm.md5, .sha256] {
            let nonce = try Self.nonce(auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0))
            var request = try Self.register(nonce: nonce, algorithm: algorithm)
            #expect(auth.verify(&request, proxy: false, sourceIP: Self.ip, now: Self.t0 + 50, lookup: Self.lookup) == .authenticated(Self.device))
        }
    }

    @Test("no enumeration: an unknown user and a wrong password fail alike, and the challenges that follow have the same shape")
    func noEnumeration() throws {
        let auth = Self.authenticator()
        let nonce = try Self.nonce(auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0))
        var wrong = try Self.register(password: "Wrong-Horse-99", nonce: nonce)
        var unknown = try Self.register(username: "9999", nonce: nonce)
        #expect(auth.verify(&wrong, proxy: false, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup) == .challenge(.wrongCredentials(username: "1001")))
        #expect(auth.verify(&unknown, proxy: false, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup) == .challenge(.unknownUser(username: "9999")))
        // The verdicts differ for the security events only; both are answered with a plain
        // challenge whose text differs only in the nonce.
        let first = auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0 + 1)
        let second = auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0 + 2)
        #expect(first.map { $0.value.replacingOccurrences(of: try! Self.nonce(first), with: "N") }
            == second.map { $0.value.replacingOccurrences(of: try! Self.nonce(second), with: "N") })
    }

    @Test("an expired nonce with right credentials is stale; with wrong ones it is a failure")
    func staleNonce() throws {
        let auth = Self.authenticator(.init(nonceLifetimeSeconds: 30))
        let nonce = try Self.nonce(auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0))
        var right = try Self.register(nonce: nonce)
        #expect(auth.verify(&right, proxy: false, sourceIP: Self.ip, now: Self.t0 + 30_001, lookup: Self.lookup) == .challenge(.staleNonce(username: "1001")))
        var wrong = try Self.register(password: "Wrong-Horse-99", nonce: nonce)
        #expect(auth.verify(&wrong, proxy: false, sourceIP: Self.ip, now: Self.t0 + 30_001, lookup: Self.lookup) == .challenge(.wrongCredentials(username: "1001")))
    }

    @Test("RFC 3261 §22.4: credentials computed for one Request-URI are refused for another, whatever the password", arguments: [
        // (Request-URI, digest uri, accepted)
        ("sip:sipwarden.example", "sip:sipwarden.example", true),
        ("sip:sipwarden.example", "sip:SIPWARDEN.example", true),
        ("sip:00900123@sipwarden.example", "sip:%30%30900123@sipwarden.example", true),
        ("sip:00900123@sipwarden.example", "sip:2001@sipwarden.example", false),
        ("sip:sipwarden.example", "sip:sipwarden.example:5060", false),
        ("sip:sipwarden.example;transport=tcp", "sip:sipwarden.example", false),
        ("sip:sipwarden.example", "sips:sipwarden.example", false),
        ("sip:sipwarden.example", "not a uri", false),
    ])
    func digestURIMustBeRequestURI(_ requestURI: String, _ digestURI: String, _ accepted: Bool) throws {
        let auth = Self.authenticator()
        for password in [Self.password, "Wrong-Horse-99"] {
            let nonce = try Self.nonce(auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0))
            var request = try Self.register(password: password, nonce: nonce, requestURI: requestURI, digestURI: digestURI)
            let verdict = auth.verify(&request, proxy: false, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup)
            if !accepted {
                #expect(verdict == .challenge(.malformed(username: "1001", reason: "the digest uri is not the Request-URI")), "\(password)")
            } else if password == Self.password {
                #expect(verdict == .authenticated(Self.device))
            } else {
                #expect(verdict == .challenge(.wrongCredentials(username: "1001")))
            }
        }
    }

    @Test("credentials whose uri names the server itself (as SIPp writes it) pass for any Request-URI; another host's do not")
    func digestURINamingTheServer() throws {
        let auth = Self.authenticator()
        let namesServer = { (uri: SIPURI) in uri.hostAddress.string == "sipwarden.example" }
        for (digestURI, accepted) in [("sip:sipwarden.example", true), ("sip:sipwarden.example:5060", true), ("sip:other.example", false),
                                      ("sip:1001@sipwarden.example", false)] {
            let nonce = try Self.nonce(auth.challenge(proxy: true, stale: false, sourceIP: Self.ip, now: Self.t0))
            var request = try Self.register(
                nonce: nonce, header: "Proxy-Authorization", method: "INVITE", requestURI: "sip:00900123@sipwarden.example", digestURI: digestURI)
            let verdict = auth.verify(&request, proxy: true, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup, namesServer: namesServer)
            #expect((verdict == .authenticated(Self.device)) == accepted, "\(digestURI): \(verdict)")
        }
    }

    @Test("a request changed in flight to another Request-URI, with the same Call-ID, CSeq, branch and nonce-count, is a replay, not a retransmission")
    func requestURIInTheFingerprint() throws {
        let auth = Self.authenticator()
        let namesServer = { (uri: SIPURI) in uri.hostAddress.string == "sipwarden.example" }
        let nonce = try Self.nonce(auth.challenge(proxy: true, stale: false, sourceIP: Self.ip, now: Self.t0))
        var original = try Self.register(
            nonce: nonce, header: "Proxy-Authorization", method: "INVITE", requestURI: "sip:1002@sipwarden.example", digestURI: "sip:sipwarden.example")
        #expect(auth.verify(&original, proxy: true, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup, namesServer: namesServer) == .authenticated(Self.device))
        var again = try Self.register(
            nonce: nonce, header: "Proxy-Authorization", method: "INVITE", requestURI: "sip:1002@sipwarden.example", digestURI: "sip:sipwarden.example")
        #expect(auth.verify(&again, proxy: true, sourceIP: Self.ip, now: Self.t0 + 500, lookup: Self.lookup, namesServer: namesServer) == .authenticated(Self.device),
                "a retransmission")
        var redirected = try Self.register(
            nonce: nonce, header: "Proxy-Authorization", method: "INVITE", requestURI: "sip:00900123@sipwarden.example", digestURI: "sip:sipwarden.example")
        #expect(auth.verify(&redirected, proxy: true, sourceIP: Self.ip, now: Self.t0 + 600, lookup: Self.lookup, namesServer: namesServer)
                == .challenge(.replay(username: "1001")))
    }

    @Test("a nonce is bound to the address it was given to and to this server's secret")
    func nonceBinding() throws {
        let auth = Self.authenticator()
        let nonce = try Self.nonce(auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0))
        var elsewhere = try Self.register(nonce: nonce)
        #expect(auth.verify(&elsewhere, proxy: false, sourceIP: [198, 51, 100, 1], now: Self.t0, lookup: Self.lookup) == .challenge(.staleNonce(username: "1001")))
        let other = Self.authenticator(secret: Array(repeating: 9, count: 32))
        var forged = try Self.register(nonce: nonce)
        #expect(other.verify(&forged, proxy: false, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup) == .challenge(.staleNonce(username: "1001")))
    }

    @Test("RFC 7616 §3.4: a nonce-count must grow; the same count for the same request is a retransmission, for another a replay")
    func nonceCount() throws {
        let auth = Self.authenticator()
        let nonce = try Self.nonce(auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0))
        var first = try Self.register(nonce: nonce, nc: "00000001")
        #expect(auth.verify(&first, proxy: false, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup) == .authenticated(Self.device))
        var retransmitted = try Self.register(nonce: nonce, nc: "00000001")
        #expect(auth.verify(&retransmitted, proxy: false, sourceIP: Self.ip, now: Self.t0 + 500, lookup: Self.lookup) == .authenticated(Self.device))
        var replayed = try Self.register(nonce: nonce, nc: "00000001", cseq: 3, branch: "z9hG4bK-2")
        #expect(auth.verify(&replayed, proxy: false, sourceIP: Self.ip, now: Self.t0 + 600, lookup: Self.lookup) == .challenge(.replay(username: "1001")))
        var next = try Self.register(nonce: nonce, nc: "00000002", cseq: 3, branch: "z9hG4bK-2")
        #expect(auth.verify(&next, proxy: false, sourceIP: Self.ip, now: Self.t0 + 700, lookup: Self.lookup) == .authenticated(Self.device))
    }

    @Test("Proxy-Authorization is read for 407 challenges, and the method is part of the digest")
    func proxyCredentials() throws {
        let auth = Self.authenticator()
        let nonce = try Self.nonce(auth.challenge(proxy: true, stale: false, sourceIP: Self.ip, now: Self.t0))
        var invite = try Self.register(nonce: nonce, header: "Proxy-Authorization", method: "INVITE")
        #expect(auth.verify(&invite, proxy: false, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup) == .challenge(.noCredentials))
        #expect(auth.verify(&invite, proxy: true, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup) == .authenticated(Self.device))
    }

    @Test("an algorithm that was not offered, or qop without nc, is refused as malformed")
    func malformed() throws {
        let auth = Self.authenticator(.init(algorithms: [.md5]))
        let nonce = try Self.nonce(auth.challenge(proxy: false, stale: false, sourceIP: Self.ip, now: Self.t0))
        var sha = try Self.register(nonce: nonce, algorithm: .sha256)
        guard case .challenge(.malformed) = auth.verify(&sha, proxy: false, sourceIP: Self.ip, now: Self.t0, lookup: Self.lookup) else {
            Issue.record("SHA-256 credentials accepted though only MD5 was offered")
            return
        }
    }
}

@Suite("Nonce-count table")
struct NonceCountTableTests {
    @Test("a full table forgets its oldest nonce, and from then on older nonces are stale, never accepted")
    func boundedMemory() {
        var table = NonceCountTable(capacity: 2)
        let lifetime: Int64 = 300_000
        #expect(table.use(nonce: "a", issuedAt: 1, count: 1, fingerprint: 1, now: 10, lifetime: lifetime) == .fresh)
        #expect(table.use(nonce: "b", issuedAt: 2, count: 1, fingerprint: 1, now: 10, lifetime: lifetime) == .fresh)
        #expect(table.use(nonce: "c", issuedAt: 3, count: 1, fingerprint: 1, now: 10, lifetime: lifetime) == .fresh)
        #expect(table.count == 2)
        #expect(table.use(nonce: "a", issuedAt: 1, count: 2, fingerprint: 2, now: 10, lifetime: lifetime) == .forgotten)
        #expect(table.use(nonce: "b", issuedAt: 2, count: 2, fingerprint: 2, now: 10, lifetime: lifetime) == .fresh)
    }

    @Test("expired nonces make room without forgetting live ones")
    func expiredMakeRoom() {
        var table = NonceCountTable(capacity: 2)
        #expect(table.use(nonce: "a", issuedAt: 0, count: 1, fingerprint: 1, now: 0, lifetime: 100) == .fresh)
        #expect(table.use(nonce: "b", issuedAt: 150, count: 1, fingerprint: 1, now: 150, lifetime: 100) == .fresh)
        #expect(table.use(nonce: "c", issuedAt: 160, count: 1, fingerprint: 1, now: 160, lifetime: 100) == .fresh)
        // "a" expired and went first: "b" is still known, and nothing was forgotten early.
        #expect(table.use(nonce: "b", issuedAt: 150, count: 1, fingerprint: 9, now: 170, lifetime: 100) == .replay)
        #expect(table.use(nonce: "d", issuedAt: 100, count: 1, fingerprint: 1, now: 170, lifetime: 100) == .fresh)
    }

    @Test("without qop a nonce is good for one request (and its retransmissions)")
    func singleUse() {
        var table = NonceCountTable(capacity: 10)
        #expect(table.use(nonce: "a", issuedAt: 1, count: nil, fingerprint: 1, now: 1, lifetime: 100) == .fresh)
        #expect(table.use(nonce: "a", issuedAt: 1, count: nil, fingerprint: 1, now: 2, lifetime: 100) == .retransmission)
        #expect(table.use(nonce: "a", issuedAt: 1, count: nil, fingerprint: 2, now: 3, lifetime: 100) == .replay)
    }
}
