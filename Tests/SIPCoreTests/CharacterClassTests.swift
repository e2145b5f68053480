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
