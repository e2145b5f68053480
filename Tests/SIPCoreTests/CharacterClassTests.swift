@testable import SIPCore
import Testing

@Suite("Character classes")
struct CharacterClassTests {
    @Test("the literal table matches the class definitions (RFC 3261 §25.1)")
    func literalMatchesDefinitions() {
        #expect(CharacterClass.table == CharacterClass.computeTable())
        #expect(CharacterClass.table.count == 256)
    }

    @Test("spot checks", arguments: [
        (UInt8(ascii: "a"), CharacterClass.token, true), (UInt8(ascii: "~"), CharacterClass.token, true),
        (UInt8(ascii: "("), CharacterClass.token, false), (UInt8(ascii: "("), CharacterClass.unreserved, true),
        (UInt8(ascii: "\""), CharacterClass.word, true), (UInt8(ascii: "@"), CharacterClass.word, false),
        (UInt8(0x7F), CharacterClass.control, true), (UInt8(0x80), CharacterClass.token, false),
    ])
    func spotChecks(_ byte: UInt8, _ flag: UInt16, _ expected: Bool) {
        #expect(CharacterClass.test(byte, flag) == expected)
    }
}

@Suite("Case-insensitive name comparison")
struct NameEqualsTests {
    static let literals: [StaticString] = [
        "q", "to", "tag", "user", "rport", "branch", "expires", "received", "transport", "phone-context",
        "content-length", "p-asserted-identity", "p-preferred-identity",
    ]

    @Test("every literal matches itself in any case, and a change at any position is caught")
    func everyPosition() {
        for literal in Self.literals {
            let text = literal.description
            for variant in [text, text.uppercased(), String(text.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })] {
                #expect(matches(variant, literal), "\(variant) vs \(text)")
            }
            for position in 0..<text.utf8.count {
                var bytes = Array(text.utf8)
                bytes[position] = bytes[position] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
                #expect(!matches(String(decoding: bytes, as: UTF8.self), literal), "change at \(position) of \(text)")
            }
            #expect(!matches(text + "s", literal))
            #expect(!matches(String(text.dropLast()), literal) || text.count == 0)
        }
    }

    private func matches(_ candidate: String, _ literal: StaticString) -> Bool {
        var candidate = candidate
        return candidate.withUTF8 { HeaderGrammar.nameEquals(UnsafeRawBufferPointer($0), 0..<$0.count, literal) }
    }
}
