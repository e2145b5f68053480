/// Digest arithmetic (RFC 2617 §3.2.2, RFC 7616 §3.4, RFC 3261 §22.4). Every value is a
/// lower-case hex string, as the protocol exchanges them. Servers store HA1, never a
/// password.
public enum DigestCalculator {
    /// HA1 = H(username ":" realm ":" password): what a server stores for a device.
    public static func ha1(username: String, realm: String, password: String, algorithm: DigestAlgorithm) -> String {
        algorithm.hash("\(username):\(realm):\(password)")
    }

    /// The HA1 of a `-sess` algorithm: H(H(username:realm:password) ":" nonce ":" cnonce).
    /// For other algorithms HA1 is returned unchanged.
    public static func sessionHA1(ha1: String, nonce: String, cnonce: String, algorithm: DigestAlgorithm) -> String {
        algorithm.isSession ? algorithm.hash("\(ha1):\(nonce):\(cnonce)") : ha1
    }

    /// HA2 = H(method ":" digest-uri), or with qop=auth-int H(method ":" digest-uri ":" H(body)).
    public static func ha2(method: String, digestURI: String, qop: DigestQOP?, body: [UInt8] = [], algorithm: DigestAlgorithm) -> String {
        if qop == .authInt {
            return algorithm.hash("\(method):\(digestURI):\(algorithm.hash(body))")
        }
        return algorithm.hash("\(method):\(digestURI)")
    }

    /// response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2) with qop, or
    /// H(HA1 ":" nonce ":" HA2) without (RFC 2069 compatibility, RFC 2617 §3.2.2.1).
    /// `ha1` is the stored HA1; the session variant is derived here.
    public static func response(
        ha1: String, nonce: String, nonceCount: String?, cnonce: String?, qop: DigestQOP?, ha2: String,
        algorithm: DigestAlgorithm
    ) -> String {
        let effectiveHA1 = sessionHA1(ha1: ha1, nonce: nonce, cnonce: cnonce ?? "", algorithm: algorithm)
        guard let qop else {
            return algorithm.hash("\(effectiveHA1):\(nonce):\(ha2)")
        }
        return algorithm.hash("\(effectiveHA1):\(nonce):\(nonceCount ?? ""):\(cnonce ?? ""):\(qop.rawValue):\(ha2)")
    }

    /// Compares two hex digests in time that depends only on their length, so that a wrong
    /// response reveals nothing about the right one.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<left.count {
            difference |= left[index].asciiLowercased ^ right[index].asciiLowercased
        }
        return difference == 0
    }
}
