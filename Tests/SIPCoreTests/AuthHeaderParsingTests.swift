import NIOCore
import SIPCore
import SIPTestSupport
import Testing

/// A REGISTER (or a 401 when `response`) with `lines` added after the mandatory headers
/// (the first added line is line 7).
private func message(_ lines: [String], response: Bool = false) -> String {
    SampleMessages.message(
        [
            response ? "SIP/2.0 401 Unauthorized" : "REGISTER sip:biloxi.example.com SIP/2.0",
            "Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7",
            "To: Bob <sip:bob@biloxi.example.com>",
            "From: Bob <sip:bob@biloxi.example.com>;tag=456248",
            "Call-ID: 843817637684230@998sdasdh09",
            "CSeq: 1826 REGISTER",
        ] + lines)
}

private func failure(_ body: () throws -> Void) -> SIPParseError? {
    do {
        try body()
        return nil
    } catch let error as SIPParseError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// The credentials of RFC 2617 §3.5's example, as RFC 3261 §22.4 and §25.1 write them in SIP.
private let credentials = "Digest username=\"bob\", realm=\"biloxi.example.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:bob@biloxi.example.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", algorithm=MD5"

/// Authorization, Proxy-Authorization, WWW-Authenticate and Proxy-Authenticate
/// (RFC 3261 §20.7, §20.27, §20.28, §20.44, §22, §25.1; RFC 7616; RFC 8760).
@Suite("Authentication header parsing")
struct AuthHeaderParsingTests {
    @Test("Digest credentials: every parameter is read and unquoted (RFC 3261 §22.4, §25.1)")
    func digestCredentials() throws {
        let parsed = try SIPMessage(parsing: message(["Authorization: \(credentials)"]))
        let values = try parsed.authorizations()
        #expect(values.count == 1)
        let value = try #require(values.first)
        #expect(value.isDigest)
        #expect(value.scheme == "Digest")
        #expect(value.username == "bob")
        #expect(value.realm == "biloxi.example.com")
        #expect(value.nonce == "dcd98b7102dd2f0e8b11d0f600bfb0c093")
        #expect(value.uri == "sip:bob@biloxi.example.com")
        #expect(value.qop == "auth")
        #expect(value.nonceCount == "00000001")
        #expect(value.cnonce == "0a4f113b")
        #expect(value.response == "6629fae49393a05397450978507c4ef1")
        #expect(value.opaque == "5ccc069c403ebaf9f0171e9517f40e41")
        #expect(value.algorithm == "MD5")
        #expect(!value.isStale)
        #expect(value.parameters.map(\.name.string) == ["username", "realm", "nonce", "uri", "qop", "nc", "cnonce", "response", "opaque", "algorithm"])
        #expect(value.parameters["nonce"]?.rawValue == "\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"")
        #expect(value.text == SIPString(credentials))
        #expect(try parsed.proxyAuthorizations().isEmpty)
        #expect(try parsed.wwwAuthenticates().isEmpty)
    }

    @Test("description hides the digest response and shows the rest (RFC 3261 §22.4: never log a secret-derived value)")
    func descriptionHidesResponse() throws {
        let parsed = try SIPMessage(parsing: message(["Proxy-Authorization: \(credentials)"]))
        let value = try #require(try parsed.proxyAuthorizations().first)
        let text = value.description
        #expect(!text.contains("6629fae49393a05397450978507c4ef1"))
        #expect(text.contains("response=<hidden>"))
        #expect(text.hasPrefix("Digest "))
        #expect(text.contains("username=\"bob\""))
        #expect(text.contains("nc=00000001"))
        // The parameter name is matched without regard to case.
        let shouting = try SIPMessage(parsing: message(["Authorization: Digest username=\"bob\", RESPONSE=\"deadbeefdeadbeefdeadbeefdeadbeef\""]))
        let loud = try #require(try shouting.authorizations().first)
        #expect(!loud.description.contains("deadbeef"))
        #expect(loud.response == "deadbeefdeadbeefdeadbeefdeadbeef")
    }

    static let challenges: [(value: String, stale: Bool, qop: String?, algorithm: String?, rfc: String)] = [
        ("Digest realm=\"atlanta.example.com\", domain=\"sip:boxesbybob.example.com\", qop=\"auth\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5", false, "auth", "MD5", "RFC 3261 §20.44 example"),
        ("Digest realm=\"atlanta.example.com\", nonce=\"abc\", stale=TRUE", true, nil, nil, "RFC 3261 §25.1 stale = \"stale\" EQUAL ( \"true\" / \"false\" ), case-insensitive"),
        ("Digest realm=\"atlanta.example.com\", nonce=\"abc\", stale=true, algorithm=SHA-256, qop=\"auth,auth-int\"", true, "auth,auth-int", "SHA-256", "RFC 8760 §2.1; RFC 7616 §3.3"),
        ("Digest realm=\"a\",nonce=\"b\",stale=false,algorithm=SHA-512-256", false, nil, "SHA-512-256", "RFC 8760 §2.1: no LWS after the commas"),
        ("digest realm=\"a\", nonce=\"b\"", false, nil, nil, "RFC 3261 §7.3.1: the scheme is case-insensitive"),
    ]

    @Test("Digest challenges: stale, qop options, algorithm", arguments: challenges)
    func challenge(_ row: (value: String, stale: Bool, qop: String?, algorithm: String?, rfc: String)) throws {
        let parsed = try SIPMessage(parsing: message(["WWW-Authenticate: \(row.value)"], response: true))
        let value = try #require(try parsed.wwwAuthenticates().first)
        #expect(value.isDigest, "\(row.rfc)")
        #expect(value.isStale == row.stale, "\(row.rfc)")
        #expect(value.qop == row.qop)
        #expect(value.algorithm == row.algorithm)
        #expect(value.realm != nil)
    }

    @Test("several challenges in separate fields, one per realm (RFC 3261 §22.3)")
    func severalChallenges() throws {
        let parsed = try SIPMessage(
            parsing: message(
                [
                    "Proxy-Authenticate: Digest realm=\"atlanta.example.com\", nonce=\"1\", algorithm=SHA-256",
                    "Proxy-Authenticate: Digest realm=\"atlanta.example.com\", nonce=\"2\", algorithm=MD5",
                    "WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"3\"",
                ], response: true))
        #expect(try parsed.proxyAuthenticates().map(\.nonce) == ["1", "2"])
        #expect(try parsed.proxyAuthenticates().map(\.algorithm) == ["SHA-256", "MD5"])
        #expect(try parsed.wwwAuthenticates().map(\.realm) == ["biloxi.example.com"])
    }

    static let quotedValues: [(parameter: String, value: String, rfc: String)] = [
        ("username=\"bo\\\"b\"", "bo\"b", "RFC 3261 §25.1 quoted-pair"),
        ("username=\"a\\\\b\"", "a\\b", "RFC 3261 §25.1 quoted-pair of a backslash"),
        ("username=\"a,b\"", "a,b", "RFC 3261 §25.1: a comma inside quotes does not split"),
        ("username=\"a=b;c\"", "a=b;c", "RFC 3261 §25.1 qdtext"),
        ("username=\"\"", "", "RFC 3261 §25.1: an empty quoted-string"),
        ("username=\"Zoë\"", "Zoë", "RFC 3261 §25.1 UTF8-NONASCII; RFC 8760 §3 (username*)"),
        ("username = \"bob\"", "bob", "RFC 3261 §25.1 EQUAL = SWS \"=\" SWS"),
        ("USERNAME=\"bob\"", "bob", "RFC 3261 §7.3.1: parameter names are case-insensitive"),
        ("username=bob", "bob", "RFC 3261 §25.1 auth-param-value = token / quoted-string"),
    ]

    @Test("quoted values are unquoted and unescaped", arguments: quotedValues)
    func quotedValue(_ row: (parameter: String, value: String, rfc: String)) throws {
        let parsed = try SIPMessage(parsing: message(["Authorization: Digest \(row.parameter), realm=\"r\""]))
        let value = try #require(try parsed.authorizations().first)
        #expect(value.username == row.value, "\(row.rfc)")
        #expect(value.realm == "r")
    }

    @Test("LWS and folding between parameters (RFC 3261 §7.3.1, §25.1 COMMA = SWS \",\" SWS)")
    func folding() throws {
        let parsed = try SIPMessage(
            parsing: message(["Authorization:  Digest\r\n  username=\"bob\" ,\r\n\trealm=\"biloxi.example.com\"  ,nonce=\"n\"  "]))
        let value = try #require(try parsed.authorizations().first)
        #expect(value.username == "bob")
        #expect(value.realm == "biloxi.example.com")
        #expect(value.nonce == "n")
    }

    static let otherSchemes: [(value: String, scheme: String, rfc: String)] = [
        ("NoOneKnowsThisScheme opaque-data=here", "NoOneKnowsThisScheme", "RFC 4475 §3.3.7 other-response = auth-scheme LWS auth-param *(COMMA auth-param)"),
        ("Basic realm=\"WallyWorld\"", "Basic", "RFC 3261 §22.1 (Basic is not to be used, but parses)"),
        ("Bearer realm=\"example.com\", error=\"invalid_token\"", "Bearer", "RFC 8898 §3.2"),
        ("Custom a=1, b=\"two\", c=3", "Custom", "RFC 3261 §25.1 other-challenge"),
    ]

    @Test("other schemes keep their parameters (RFC 3261 §25.1)", arguments: otherSchemes)
    func otherScheme(_ row: (value: String, scheme: String, rfc: String)) throws {
        let parsed = try SIPMessage(parsing: message(["Authorization: \(row.value)"]))
        let value = try #require(try parsed.authorizations().first)
        #expect(value.scheme == SIPString(row.scheme), "\(row.rfc)")
        #expect(!value.isDigest)
        #expect(!value.parameters.isEmpty)
        #expect(value.username == nil)
    }

    static let malformed: [(value: String, rfc: String)] = [
        ("Digest realm=\"a\", realm=\"b\"", "RFC 7616 §3.4: a parameter appears at most once"),
        ("Digest realm=\"a\", REALM=\"b\"", "RFC 7616 §3.4; RFC 3261 §7.3.1 names are case-insensitive"),
        ("Digest nonce=\"a\", username=\"u\", nonce=\"b\"", "RFC 7616 §3.4"),
        ("Digest response=\"a\", response=\"b\"", "RFC 7616 §3.4: two responses would be ambiguous"),
        ("Digest stale", "RFC 3261 §25.1 auth-param = auth-param-name EQUAL ( token / quoted-string )"),
        ("Digest realm=", "RFC 3261 §25.1"),
        ("Digest realm=\"unterminated", "RFC 3261 §25.1 quoted-string"),
        ("Digest", "RFC 3261 §25.1 credentials = \"Digest\" LWS digest-response"),
        ("Digest ", "RFC 3261 §25.1"),
        ("Digest,realm=\"a\"", "RFC 3261 §25.1: LWS after the scheme"),
        ("Digest realm=\"a\",, nonce=\"b\"", "RFC 3261 §7.3.1: empty list element"),
        ("Digest realm=\"a\",", "RFC 3261 §7.3.1: trailing comma"),
        ("Digest , realm=\"a\"", "RFC 3261 §7.3.1: leading comma"),
        ("Digest realm=\"a\" nonce=\"b\"", "RFC 3261 §25.1: parameters are comma-separated"),
        ("Digest realm=\"a\"nonce=\"b\"", "RFC 3261 §25.1"),
        ("Digest nonce=a b", "RFC 3261 §25.1 token: no SP"),
        ("Digest realm=<a>", "RFC 3261 §25.1 token / quoted-string"),
        ("Digest username=\"bad\u{1}\"", "RFC 3261 §25.1 qdtext excludes control characters"),
        ("\"Digest\" realm=\"a\"", "RFC 3261 §25.1 auth-scheme = token"),
        ("", "RFC 3261 §20.7: a value is required"),
    ]

    @Test("malformed credentials and challenges are refused", arguments: malformed)
    func malformedValue(_ row: (value: String, rfc: String)) throws {
        let parsed = try SIPMessage(parsing: message(["Authorization: \(row.value)", "WWW-Authenticate: \(row.value)"]))
        let credentialsError = failure { _ = try parsed.authorizations() }
        #expect(credentialsError?.code == .malformedHeader, "\(row.rfc): \(String(describing: credentialsError))")
        #expect(credentialsError?.line == 7)
        #expect(credentialsError?.detail.hasPrefix("Authorization:") == true)
        let challengeError = failure { _ = try parsed.wwwAuthenticates() }
        #expect(challengeError?.code == .malformedHeader, "\(row.rfc)")
        #expect(challengeError?.line == 8)
    }

    @Test("the duplicate-parameter error points at the second occurrence")
    func duplicateLocation() throws {
        let line = "Authorization: Digest realm=\"a\", nonce=\"n\", realm=\"b\""
        let parsed = try SIPMessage(parsing: message([line]))
        let error = failure { _ = try parsed.authorizations() }
        #expect(error?.code == .malformedHeader)
        #expect(error?.line == 7)
        #expect(error?.column == 45)  // the second "realm"
    }

    @Test("validate() checks every authentication header (RFC 3261 §25.1)")
    func validateChecksAuthHeaders() throws {
        var good = try SIPMessage(parsing: message(["Authorization: \(credentials)"]))
        try good.validate()
        var bad = try SIPMessage(parsing: message(["Proxy-Authorization: Digest realm=\"a\", realm=\"b\""]))
        #expect(failure { try bad.validate() }?.code == .malformedHeader)
    }
}
