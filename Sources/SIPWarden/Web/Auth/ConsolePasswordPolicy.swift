/// The console's password rules, from the operators' security guide: at least 12
/// characters with letters, digits and other characters; not the user's name. At most 72
/// bytes, because bcrypt ignores what follows (so a longer one would be a false promise).
enum ConsolePasswordPolicy {
    static let minimumLength = 12
    static let maximumBytes = 72

    /// Why `password` is refused, or nil.
    static func problem(_ password: String, name: String) -> String? {
        if password.count < minimumLength { return "it must have at least \(minimumLength) characters" }
        if password.utf8.count > maximumBytes { return "it must have at most \(maximumBytes) bytes" }
        if !password.contains(where: \.isLetter) { return "it must contain a letter" }
        if !password.contains(where: \.isNumber) { return "it must contain a digit" }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace }) {
            return "it must contain a character other than letters, digits and spaces"
        }
        if password.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            return "it must not contain control characters"
        }
        if !name.isEmpty, password.lowercased().contains(name.lowercased()) { return "it must not contain the user name" }
        return nil
    }
}
