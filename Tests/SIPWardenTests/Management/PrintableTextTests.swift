import SIPWarden
import Testing

@Suite("PrintableText, TextTable and JSONValue")
struct PrintableTextTests {
    @Test("control, format and separator characters are escaped; a backslash is doubled", arguments: [
        ("Phone/1.0 (x)", "Phone/1.0 (x)"),
        ("a\u{1B}[31mred", "a\\u{1B}[31mred"),
        ("line\r\nbreak", "line\\u{D}\\u{A}break"),
        ("rtl\u{202E}txt", "rtl\\u{202E}txt"),
        ("tab\there", "tab\\u{9}here"),
        ("back\\slash", "back\\\\slash"),
        ("Ünïcode 電話", "Ünïcode 電話"),
    ])
    func escape(_ text: String, _ printed: String) {
        #expect(PrintableText.escape(text) == printed)
    }

    @Test("columns align under the header")
    func table() {
        var table = TextTable(["NAME", "VALUE"])
        table.append(["a", "1"])
        table.append(["longer\n", ""])
        let gap = { (count: Int) in String(repeating: " ", count: count) }
        #expect(table.render() == "NAME" + gap(9) + "VALUE\n" + "a" + gap(12) + "1\n" + "longer\\u{A}\n")
    }

    @Test("JSON strings escape what RFC 8259 §7 requires")
    func json() {
        let value = JSONValue.object([
            ("s", .string("q\"b\\n\n\u{1}\u{2028}é")), ("n", .null), ("i", .integer(-5)), ("d", .number(0.5)),
            ("b", .bool(true)), ("a", .array([.string(nil as String?), .integer(1 as Int?)])),
        ])
        #expect(value.serialized() == #"{"s":"q\"b\\n\n\u0001\u2028é","n":null,"i":-5,"d":0.5,"b":true,"a":[null,1]}"#)
    }
}
