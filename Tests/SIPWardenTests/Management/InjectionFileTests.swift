import SIPWarden
import Testing

@Suite("InjectionFile")
struct InjectionFileTests {
    typealias Entry = InjectionFile.Entry

    @Test("SIPp's first line, comments, blank lines and CRLF are accepted")
    func format() throws {
        let text = "SEQUENTIAL\r\n# users for the load test\r\nalice;Secret-pass-1\r\n\r\nbob;Other pass 2\n  \n"
        let file = try InjectionFile(parsing: text)
        #expect(file.entries == [Entry(line: 3, username: "alice", password: "Secret-pass-1"), Entry(line: 5, username: "bob", password: "Other pass 2")])
        let lenient = try InjectionFile(parsing: "RANDOM,PRINTF=10\nalice;Secret-pass-1\nbob;Other-pass-2;\n#x\n")
        #expect(lenient.entries == [Entry(line: 2, username: "alice", password: "Secret-pass-1"), Entry(line: 3, username: "bob", password: "Other-pass-2")])
    }

    @Test("the order line is optional and only first")
    func withoutOrderLine() throws {
        #expect(try InjectionFile(parsing: "alice;pw one 1!").entries == [Entry(line: 1, username: "alice", password: "pw one 1!")])
        #expect(throws: InjectionFileError(problems: [.init(line: 2, message: "expected username;password, found 1 field")])) {
            try InjectionFile(parsing: "alice;pw\nSEQUENTIAL\n")
        }
    }

    @Test("every malformed line is reported with its number")
    func problems() {
        let text = "USER\na;b\nnosemicolon\na;b;c\n;\nc;\nd;e\r\n"
        #expect(throws: InjectionFileError(problems: [
            .init(line: 3, message: "expected username;password, found 1 field"),
            .init(line: 4, message: "expected username;password, found 3 fields"),
            .init(line: 5, message: "the password is empty"),
            .init(line: 6, message: "the password is empty"),
        ])) {
            try InjectionFile(parsing: text)
        }
    }

    @Test("ten thousand lines parse")
    func large() throws {
        let text = "SEQUENTIAL\n" + (0..<10_000).map { "user\($0);Pass-word-\($0)\n" }.joined()
        let entries = try InjectionFile(parsing: text).entries
        #expect(entries.count == 10_000)
        #expect(entries.last == Entry(line: 10_001, username: "user9999", password: "Pass-word-9999"))
    }
}
