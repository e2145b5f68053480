import Console
import Foundation
import HummingbirdOTP

/// TOTP (RFC 6238) with HummingbirdOTP: 6 digits, 30-second steps, HMAC-SHA1 (what every
/// authenticator app supports). A code is accepted for the current step and one step either
/// side (RFC 6238 §5.2 allows for clock drift), and only once: the repository remembers the
/// last step used.
enum SecondFactor {
    static let issuer = "SIPWarden"
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    /// A new shared secret: 32 characters of the base32 alphabet (160 bits, RFC 4226 §4's
    /// recommended length).
    static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// The `otpauth://` link for authenticator apps (its QR code is shown at enrolment).
    static func link(secret: String, user: String) -> String {
        TOTP(secret: secret).createAuthenticatorURL(label: "\(issuer):\(user)", issuer: issuer)
    }

    /// The key to type in by hand: base32 of the secret's bytes, in groups of four.
    static func manualKey(secret: String) -> String {
        let encoded = base32(Array(secret.utf8))
        return stride(from: 0, to: encoded.count, by: 4).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            let to = encoded.index(from, offsetBy: min(4, encoded.count - start))
            return String(encoded[from..<to])
        }.joined(separator: " ")
    }

    static func base32(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    /// The step `code` is right for at `now` (within one step of drift), or nil.
    static func matchingStep(code: String, secret: String, now: Date) -> Int64? {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits) else { return nil }
        let totp = TOTP(secret: secret)
        let current = Int64(now.timeIntervalSince1970 / 30)
        for step in [current, current - 1, current + 1] where totp.compute(date: Date(timeIntervalSince1970: Double(step) * 30)) == value {
            return step
        }
        return nil
    }

    /// Ten one-time recovery codes (`xxxx-xxxx-xxxx`, 60 bits each); store their hashes.
    static func makeRecoveryCodes() -> [String] {
        var generator = SystemRandomNumberGenerator()
        let characters = Array("abcdefghjkmnpqrstuvwxyz23456789")
        return (0..<10).map { _ in
            (0..<3).map { _ in String((0..<4).map { _ in characters.randomElement(using: &generator)! }) }.joined(separator: "-")
        }
    }

    static func hash(recoveryCode: String) -> String {
        let normalized = recoveryCode.lowercased().filter { $0.isLetter || $0.isNumber }
        return APIKeyCheck.hash(normalized)
    }
}

