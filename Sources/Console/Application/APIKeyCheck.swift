import Crypto
import Foundation
public import Storage

/// API keys: made as 32 random bytes in URL-safe base64 with a `sw_` prefix (so that a key
/// found in a file or a log can be recognised), stored as the SHA-256 of the key in hex,
/// checked by hashing what the client presents and looking that up (the lookup compares
/// hashes, so its timing says nothing about the key).
public enum APIKeyCheck {
    public static let prefix = "sw_"

    /// A new key; show it once, store `hash(key)`.
    public static func makeKey() -> String {
        prefix + randomToken()
    }

    /// 256 random bits in URL-safe base64 without padding (43 characters): API keys, console
    /// session and CSRF tokens.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The key in an `Authorization: Bearer KEY` header value, if well-formed.
    public static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, token.utf8.count <= 256 else { return nil }
        return token
    }

    /// The stored key for a presented one; nil when none matches.
    public static func verify(_ key: String, in database: any APIKeyRepository) throws -> APIKey? {
        try database.apiKey(hash: hash(key))
    }
}
