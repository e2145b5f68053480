/// Strong random SIP passwords for `--generate`: printed once, then only their HA1 values
/// are kept.
public enum PasswordGenerator {
    /// Letters and digits without the look-alikes (l, I, O, 0, 1), so that a password read
    /// off a screen is typed right.
    static let letters = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
    static let digits = Array("23456789")
    /// Characters that need no quoting in INI, XML, YAML or SIPp CSV files, nor in a shell
    /// or a SIP URI: no quotes, `;`, `#`, `&`, `<`, `@`, `:`, `%`, `!` or spaces.
    static let others = Array("-_.+*~")
    static let alphabet = letters + digits + others

    /// 20 characters from 63 give about 119 bits.
    public static let defaultLength = 20

    /// A password of `length` characters (at least 3) with at least one letter, one digit and
    /// one other character: drawn uniformly and redrawn until all three appear, which keeps
    /// every accepted password equally likely.
    public static func generate<Generator: RandomNumberGenerator>(
        length: Int = defaultLength, using generator: inout Generator
    ) -> String {
        let length = max(length, 3)
        while true {
            let characters = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            if characters.contains(where: letters.contains), characters.contains(where: digits.contains),
               characters.contains(where: others.contains) {
                return String(characters)
            }
        }
    }

    /// A password from the system's secure generator that `policy` accepts for `username`.
    public static func generate(for username: String, policy: PasswordPolicy) -> String {
        var random = SystemRandomNumberGenerator()
        while true {
            let password = generate(length: max(defaultLength, policy.minimumLength), using: &random)
            if policy.problem(password: password, username: username) == nil { return password }
        }
    }
}
