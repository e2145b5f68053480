import Console
import Foundation
import Hummingbird

/// The console's cookies (RFC 6265): the session, and the token the login forms carry before
/// there is a session. Both are HttpOnly (no script reads them), SameSite=Strict (no other
/// site's page sends them), Path=/, and Secure when the listener speaks HTTPS.
enum WebCookies {
    static let session = "sipwarden_session"
    static let form = "sipwarden_form"

    /// 256 random bits in URL-safe base64: a session token, a CSRF token.
    static func token() -> String { APIKeyCheck.randomToken() }

    /// What is stored of a session token: its SHA-256 in hex, as for API keys.
    static func hash(_ token: String) -> String { APIKeyCheck.hash(token) }

    static func make(_ name: String, value: String, secure: Bool, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func expired(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
