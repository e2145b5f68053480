import SIPCore
import Testing

/// Digest arithmetic against the published vectors (RFC 2617 §3.5, RFC 7616 §3.9.1) and
/// vectors computed independently with Python's hashlib for the SIP cases.
@Suite("Digest arithmetic")
struct DigestTests {
    struct Vector: Sendable, CustomStringConvertible {
        let name: String
        let algorithm: DigestAlgorithm
        let username, realm, password, method, uri, nonce: String
        let nonceCount, cnonce: String?
        let qop: DigestQOP?
        let body: [UInt8]
        let response: String
        var description: String { name }
    }

    static let vectors: [Vector] = [
        Vector(
            name: "RFC 2617 §3.5 (MD5, qop=auth)", algorithm: .md5, username: "Mufasa", realm: "testrealm@host.com",
            password: "Circle Of Life", method: "GET", uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            nonceCount: "00000001", cnonce: "0a4f113b", qop: .auth, body: [], response: "6629fae49393a05397450978507c4ef1"),
        Vector(
            name: "RFC 7616 §3.9.1 (MD5)", algorithm: .md5, username: "Mufasa", realm: "http-auth@example.org",
            password: "Circle of Life", method: "GET", uri: "/dir/index.html", nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            nonceCount: "00000001", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop: .auth, body: [],
            response: "8ca523f5e9506fed4657c9700eebdbec"),
        Vector(
            name: "RFC 7616 §3.9.1 (SHA-256)", algorithm: .sha256, username: "Mufasa", realm: "http-auth@example.org",
            password: "Circle of Life", method: "GET", uri: "/dir/index.html", nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            nonceCount: "00000001", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop: .auth, body: [],
            response: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
        Vector(
            name: "RFC 2617 inputs with MD5-sess", algorithm: .md5Session, username: "Mufasa", realm: "testrealm@host.com",
            password: "Circle Of Life", method: "GET", uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            nonceCount: "00000001", cnonce: "0a4f113b", qop: .auth, body: [], response: "8e3825c57e897f5a0dec6c2d4e5059d0"),
        Vector(
            name: "RFC 2069 compatibility (no qop)", algorithm: .md5, username: "Mufasa", realm: "testrealm@host.com",
            password: "Circle Of Life", method: "GET", uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            nonceCount: nil, cnonce: nil, qop: nil, body: [], response: "670fd8c2df070c60b045671b8b24ff02"),
        Vector(
            name: "qop=auth-int hashes the body", algorithm: .md5, username: "Mufasa", realm: "testrealm@host.com",
            password: "Circle Of Life", method: "INVITE", uri: "sip:bob@example.com", nonce: "abc",
            nonceCount: "00000002", cnonce: "xyz", qop: .authInt, body: Array("v=0\r\n".utf8),
            response: "a8c94480c7fea22defaad9614b12c237"),
        Vector(
            name: "SIP REGISTER (MD5)", algorithm: .md5, username: "1001", realm: "sip.example.com",
            password: "Xk9#mP2v!qL7", method: "REGISTER", uri: "sip:sip.example.com", nonce: "6b8b4567327b23c6643c9869",
            nonceCount: "00000001", cnonce: "0a4f113b", qop: .auth, body: [], response: "c6336e3a34c82bb159a9be5476f0ab3a"),
        Vector(
            name: "SIP REGISTER (SHA-256, RFC 8760)", algorithm: .sha256, username: "1001", realm: "sip.example.com",
            password: "Xk9#mP2v!qL7", method: "REGISTER", uri: "sip:sip.example.com", nonce: "6b8b4567327b23c6643c9869",
            nonceCount: "00000001", cnonce: "0a4f113b", qop: .auth, body: [],
            response: "dbd02fd7f119bcda2708a99607692c82e877105e52a80989e4ce5a8c9f3fa3e8"),
    ]

    @Test("response digest", arguments: vectors)
    func response(_ vector: Vector) {
        let ha1 = DigestCalculator.ha1(username: vector.username, realm: vector.realm, password: vector.password, algorithm: vector.algorithm)
        let ha2 = DigestCalculator.ha2(method: vector.method, digestURI: vector.uri, qop: vector.qop, body: vector.body, algorithm: vector.algorithm)
        let response = DigestCalculator.response(
            ha1: ha1, nonce: vector.nonce, nonceCount: vector.nonceCount, cnonce: vector.cnonce, qop: vector.qop, ha2: ha2,
            algorithm: vector.algorithm)
        #expect(response == vector.response)
        #expect(response.count == vector.algorithm.hexLength)
    }

    @Test("HA1 and HA2 of a SIP REGISTER (hashlib reference values)")
    func sipIntermediates() {
        #expect(DigestCalculator.ha1(username: "1001", realm: "sip.example.com", password: "Xk9#mP2v!qL7", algorithm: .md5)
            == "10c30ad6aabd72f8a6894fb8ea372961")
        #expect(DigestCalculator.ha2(method: "REGISTER", digestURI: "sip:sip.example.com", qop: .auth, algorithm: .md5)
            == "f5a9c05d4ad57c53aaa1a7b89507efaa")
        let ha1 = DigestCalculator.ha1(username: "1001", realm: "sip.example.com", password: "Xk9#mP2v!qL7", algorithm: .sha256)
        #expect(ha1 == "7415ddd841e68ab257e32cc4cc2c59e536fc785a732d53894273eddb4b702b5c")
        let ha2 = DigestCalculator.ha2(method: "REGISTER", digestURI: "sip:sip.example.com", qop: .auth, algorithm: .sha256)
        let response = DigestCalculator.response(
            ha1: ha1, nonce: "6b8b4567327b23c6643c9869", nonceCount: "00000001", cnonce: "0a4f113b", qop: .auth, ha2: ha2,
            algorithm: .sha256)
        #expect(response == "dbd02fd7f119bcda2708a99607692c82e877105e52a80989e4ce5a8c9f3fa3e8")
    }

    @Test("algorithm tokens are case-insensitive; unknown ones are refused", arguments: [
        ("MD5", DigestAlgorithm.md5), ("md5", .md5), ("MD5-sess", .md5Session), ("sha-256", .sha256),
        ("SHA-256-SESS", .sha256Session),
    ])
    func algorithmTokens(_ token: String, _ expected: DigestAlgorithm) {
        #expect(DigestAlgorithm(token: token) == expected)
    }

    @Test("SHA-512-256 and nonsense are not offered", arguments: ["SHA-512-256", "AKAv1-MD5", ""])
    func unknownAlgorithms(_ token: String) {
        #expect(DigestAlgorithm(token: token) == nil)
    }

    @Test("constant-time comparison")
    func constantTime() {
        #expect(DigestCalculator.constantTimeEquals("6629fae49393a05397450978507c4ef1", "6629FAE49393A05397450978507C4EF1"))
        #expect(!DigestCalculator.constantTimeEquals("6629fae49393a05397450978507c4ef1", "6629fae49393a05397450978507c4ef2"))
        #expect(!DigestCalculator.constantTimeEquals("6629fae4", "6629fae49393a05397450978507c4ef1"))
    }
}
