import SIPWarden
import Testing

@Suite("CSVText")
struct CSVTextTests {
    @Test("RFC 4180: a comma, a quote or a line break quotes the field; inner quotes are doubled", arguments: [
        ("plain", "plain"),
        ("", ""),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("line\r\nbreak", "\"line\r\nbreak\""),
        ("cr\ronly", "\"cr\ronly\""),
        ("lf\nonly", "\"lf\nonly\""),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ])
    func quoting(_ text: String, _ field: String) {
        #expect(CSVText.field(text) == field)
    }

    @Test("formulas get a leading ' ; whole numbers with a sign stay numbers", arguments: [
        ("=1+2", "'=1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+442079460000", "+442079460000"),
        ("-12", "-12"),
        ("+", "'+"),
        ("-", "'-"),
        ("+44 20 7946", "'+44 20 7946"),
        ("-1+1", "'-1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("\tx", "'\tx"),
        ("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""),
        ("a=b", "a=b"),
        ("12", "12"),
    ])
    func formulas(_ text: String, _ field: String) {
        #expect(CSVText.field(text) == field)
    }

    @Test("a row ends with CR LF")
    func row() {
        #expect(CSVText.row(["1", "a,b", "=x"]) == "1,\"a,b\",'=x\r\n")
    }
}
