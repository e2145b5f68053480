import SIPWarden
import Testing

@Suite("PasswordPolicy and PasswordGenerator")
struct PasswordPolicyTests {
    static let policy = PasswordPolicy(minimumLength: 12, requireMixed: true)

    @Test("each weakness is named, never the password", arguments: [
        ("Abcdef1!xyz", "it has 11 characters, at least 12 are required"),
        ("abcdefghijk!", "it needs at least one digit"),
        ("123456789012!", "it needs at least one letter"),
        ("abcdefghij12", "it needs at least one character that is neither a letter nor a digit"),
        ("abc\tdefgh12!", "it contains a control character"),
        ("abc\u{7F}defgh12!", "it contains a control character"),
        ("xxAlice-2024xx", "it contains the username"),
        ("short", "it has 5 characters, at least 12 are required; it needs at least one digit; it needs at least one character that is neither a letter nor a digit"),
    ])
    func refused(_ password: String, _ reason: String) {
        let problem = Self.policy.problem(password: password, username: "alice")
        #expect(problem == reason)
        #expect(problem.map { !$0.contains(password) } ?? false)
    }

    @Test("accepted passwords", arguments: ["Correct-horse-9", "ünïcödé-pässwörd-7", "with spaces 12 ok", "7 is in it: abc-1234"])
    func accepted(_ password: String) {
        #expect(Self.policy.problem(password: password, username: "7") == nil)
    }

    @Test("the username is refused in any case; a short one only as the whole password")
    func username() {
        let lenient = PasswordPolicy(minimumLength: 1, requireMixed: false)
        #expect(lenient.problem(password: "ALICE", username: "alice") == "it is the username")
        #expect(lenient.problem(password: "myALICEpass", username: "alice") == "it contains the username")
        #expect(lenient.problem(password: "12", username: "12") == "it is the username")
        #expect(lenient.problem(password: "x12y", username: "12") == nil)
    }

    @Test("the configured length and mix apply")
    func configured() {
        var auth = AuthSettings()
        auth.passwordMinLength = 4
        auth.passwordRequireMixed = false
        let policy = PasswordPolicy(auth)
        #expect(policy.problem(password: "abcd", username: "bob") == nil)
        #expect(policy.problem(password: "abc", username: "bob") == "it has 3 characters, at least 4 are required")
        #expect(PasswordPolicy(AuthSettings()) == PasswordPolicy(minimumLength: 12, requireMixed: true))
    }

    @Test("generated passwords have every class, the length asked, and pass the policy")
    func generated() {
        var random = SplitMix(seed: 42)
        var seen = Set<String>()
        for _ in 0..<500 {
            let password = PasswordGenerator.generate(using: &random)
            #expect(password.count == 20)
            #expect(password.contains { $0.isLetter })
            #expect(password.contains { $0.isNumber })
            #expect(password.contains(where: { "-_.+*~".contains($0) }))
            #expect(!password.contains(where: { ";#\"'\\ @:%&<>!".contains($0) }))
            #expect(Self.policy.problem(password: password, username: "alice") == nil)
            seen.insert(password)
        }
        #expect(seen.count == 500)
        let long = PasswordGenerator.generate(for: "alice", policy: PasswordPolicy(minimumLength: 40, requireMixed: true))
        #expect(long.count == 40)
    }
}
