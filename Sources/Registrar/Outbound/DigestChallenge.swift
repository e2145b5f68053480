import SIPCore

/// One digest challenge of a 401 or 407 (RFC 3261 §22.4, RFC 7616 §3.3), read from a
/// WWW-Authenticate or Proxy-Authenticate value.
struct DigestChallenge: Sendable, Equatable {
    var realm: String
    var nonce: String
    var opaque: String?
    /// The algorithm parameter as written; nil when absent (which means MD5, RFC 7616 §3.3).
    var algorithmToken: String?
    /// The qop-options offered (RFC 7616 §3.3), lower-cased; empty when none.
    var qopOptions: [String]
    var stale: Bool

    /// The algorithm, nil for one this build does not know.
    var algorithm: DigestAlgorithm? {
        guard let algorithmToken else { return .md5 }
        return DigestAlgorithm(token: algorithmToken)
    }

    /// Parses one challenge; nil when it is not Digest, is malformed, or lacks a realm or
    /// nonce. The value is provider-controlled: it goes through SIPCore's auth-param grammar
    /// (quoted-pairs, repeated parameters refused); CR, LF and NUL are refused first.
    init?(parsing value: String) {
        guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }),
            let parsed = try? SIPAuthValue(parsing: value),
            parsed.isDigest, let realm = parsed.realm, let nonce = parsed.nonce
        else { return nil }
        self.realm = realm
        self.nonce = nonce
        self.opaque = parsed.opaque
        self.algorithmToken = parsed.algorithm
        self.qopOptions = (parsed.qop ?? "").split(separator: ",").map { String($0).trimmingSpaces.lowercased() }.filter { !$0.isEmpty }
        self.stale = parsed.isStale
    }

    /// The quality of protection to answer with: `auth` when offered (the request has no
    /// body to protect), else `auth-int` over the empty body, else none (RFC 2069
    /// compatibility, RFC 7616 §3.4).
    var chosenQOP: DigestQOP? {
        if qopOptions.contains("auth") { return .auth }
        if qopOptions.contains("auth-int") { return .authInt }
        return nil
    }
}

/// Credentials answering a challenge (RFC 7616 §3.4, RFC 3261 §22.2).
struct DigestAnswer: Sendable {
    var username: String
    var realm: String
    var nonce: String
    var digestURI: String
    var algorithm: DigestAlgorithm
    /// Whether the challenge named the algorithm; the answer names it only then, as
    /// RFC 2617 clients do, so that a registrar that does not know the parameter is not
    /// confused.
    var algorithmWasNamed: Bool
    var qop: DigestQOP?
    var cnonce: String
    /// nc: 8 hex digits.
    var nonceCount: String
    var opaque: String?

    /// The credentials value, the response computed from the stored HA1.
    func credentials(ha1: String, method: String) -> String {
        let ha2 = DigestCalculator.ha2(method: method, digestURI: digestURI, qop: qop, algorithm: algorithm)
        let response = DigestCalculator.response(
            ha1: ha1, nonce: nonce, nonceCount: qop == nil ? nil : nonceCount, cnonce: qop == nil ? nil : cnonce, qop: qop,
            ha2: ha2, algorithm: algorithm)
        var parts = [
            "username=\(Self.quoted(username))", "realm=\(Self.quoted(realm))", "nonce=\(Self.quoted(nonce))",
            "uri=\(Self.quoted(digestURI))", "response=\"\(response)\"",
        ]
        if algorithmWasNamed { parts.append("algorithm=\(algorithm.rawValue)") }
        if let qop {
            parts += ["cnonce=\(Self.quoted(cnonce))", "qop=\(qop.rawValue)", "nc=\(nonceCount)"]
        }
        // The opaque value goes back unchanged (RFC 7616 §3.3).
        if let opaque { parts.append("opaque=\(Self.quoted(opaque))") }
        return "Digest " + parts.joined(separator: ", ")
    }

    /// quoted-string with `"` and `\` escaped as quoted-pairs (RFC 3261 §25.1).
    static func quoted(_ text: String) -> String {
        var output = "\""
        for character in text {
            if character == "\"" || character == "\\" { output.append("\\") }
            output.append(character)
        }
        return output + "\""
    }
}
