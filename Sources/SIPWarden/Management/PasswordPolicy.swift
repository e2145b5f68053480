/// What a SIP password set through the CLI must be (`auth.password` in the configuration).
/// SIP digest (RFC 3261 §22.4) lets anyone who sees one challenge and its answer try
/// passwords offline at full speed, and scanners try the username as the password first:
/// length and variety are the only defence.
public struct PasswordPolicy: Sendable, Equatable {
    public var minimumLength: Int
    /// Letters, digits and other characters all required.
    public var requireMixed: Bool

    public init(minimumLength: Int, requireMixed: Bool) {
        self.minimumLength = minimumLength
        self.requireMixed = requireMixed
    }

    public init(_ auth: AuthSettings) {
        self.init(minimumLength: auth.passwordMinLength, requireMixed: auth.passwordRequireMixed)
    }

    /// Every reason the password is refused, joined with "; " (`it has 9 characters, at
    /// least 12 are required; it needs at least one digit`), or nil when it is accepted.
    /// The reasons never quote the password.
    public func problem(password: String, username: String) -> String? {
        var reasons: [String] = []
        // A control character cannot be typed into most phones' settings, and a line break
        // would split the password in a configuration file.
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            reasons.append("it contains a control character")
        }
        let length = password.count
        if length < minimumLength {
            reasons.append("it has \(length) character\(length == 1 ? "" : "s"), at least \(minimumLength) are required")
        }
        let lowerPassword = password.lowercased()
        let lowerUsername = username.lowercased()
        if !lowerUsername.isEmpty {
            if lowerPassword == lowerUsername {
                reasons.append("it is the username")
            } else if lowerUsername.count >= 3, lowerPassword.contains(lowerUsername) {
                // Shorter usernames (extension "7") would forbid too many passwords.
                reasons.append("it contains the username")
            }
        }
        if requireMixed {
            if !password.contains(where: \.isLetter) { reasons.append("it needs at least one letter") }
            if !password.contains(where: \.isASCIIDigit) { reasons.append("it needs at least one digit") }
            if !password.contains(where: { !$0.isLetter && !$0.isASCIIDigit }) {
                reasons.append("it needs at least one character that is neither a letter nor a digit")
            }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }
}
