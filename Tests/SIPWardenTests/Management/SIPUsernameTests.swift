import SIPWarden
import Testing

@Suite("SIPUsername")
struct SIPUsernameTests {
    @Test("RFC 3261 §25.1 user: unreserved, escaped and user-unreserved characters", arguments: [
        "alice", "100", "Alice.Smith", "a-b_c.d!e~f*g'h(i)j", "&=+$,;?/", "al%20ice", "%41%6a", String(repeating: "x", count: 64),
    ])
    func accepted(_ username: String) {
        #expect(SIPUsername.problem(username) == nil)
    }

    @Test("anything else is refused with the reason", arguments: [
        ("", "the username is empty"),
        (String(repeating: "x", count: 65), "the username has 65 characters; at most 64 are allowed"),
        ("alice@example.com", "the username contains \"@\", which a SIP user part cannot (RFC 3261 §25.1)"),
        ("al ice", "the username contains U+0020, which a SIP user part cannot (RFC 3261 §25.1)"),
        ("a:b", "the username contains \":\", which a SIP user part cannot (RFC 3261 §25.1)"),
        ("a\"b", "the username contains \"\"\", which a SIP user part cannot (RFC 3261 §25.1)"),
        ("bob\n", "the username contains U+000A, which a SIP user part cannot (RFC 3261 §25.1)"),
        ("bob\u{1B}[2J", "the username contains U+001B, which a SIP user part cannot (RFC 3261 §25.1)"),
        ("jörg", "the username contains \"ö\", which a SIP user part cannot (RFC 3261 §25.1)"),
        ("a\u{202E}b", "the username contains U+202E, which a SIP user part cannot (RFC 3261 §25.1)"),
        ("50%", "the username has a \"%\" not followed by two hex digits (RFC 3261 §25.1 escaped)"),
        ("a%2", "the username has a \"%\" not followed by two hex digits (RFC 3261 §25.1 escaped)"),
        ("a%zz", "the username has a \"%\" not followed by two hex digits (RFC 3261 §25.1 escaped)"),
    ])
    func refused(_ username: String, _ reason: String) {
        #expect(SIPUsername.problem(username) == reason)
    }
}
