import SIPWarden
import Testing

@Suite("MoneyAmount")
struct MoneyAmountTests {
    @Test("decimal text to micros, exactly", arguments: [
        ("0", Int64(0)), ("12.50", 12_500_000), ("12.5", 12_500_000), ("0.1", 100_000), ("0.000001", 1),
        ("-3", -3_000_000), ("-0.01", -10_000), ("9223372036854.775807", Int64.max), ("007", 7_000_000),
    ])
    func parses(_ text: String, _ micros: Int64) throws {
        #expect(try MoneyAmount.micros(parsing: text, allowNegative: true) == micros)
    }

    @Test("malformed amounts are refused with the reason", arguments: [
        ("", "\"\" is not an amount; expected digits with an optional decimal point, like 12.50"),
        ("1.", "\"1.\" is not an amount; expected digits with an optional decimal point, like 12.50"),
        (".5", "\".5\" is not an amount; expected digits with an optional decimal point, like 12.50"),
        ("1,50", "\"1,50\" is not an amount; expected digits with an optional decimal point, like 12.50"),
        ("1e3", "\"1e3\" is not an amount; expected digits with an optional decimal point, like 12.50"),
        ("+1", "\"+1\" is not an amount; expected digits with an optional decimal point, like 12.50"),
        ("1.2.3", "\"1.2.3\" is not an amount; expected digits with an optional decimal point, like 12.50"),
        ("١٢", "\"١٢\" is not an amount; expected digits with an optional decimal point, like 12.50"),
        ("0.1234567", "\"0.1234567\" has 7 decimal places; at most 6 are kept"),
        ("9223372036854.775808", "\"9223372036854.775808\" is too large"),
        ("99999999999999999999", "\"99999999999999999999\" is too large"),
    ])
    func refused(_ text: String, _ reason: String) {
        #expect(throws: InputProblem(reason)) { try MoneyAmount.micros(parsing: text, allowNegative: true) }
    }

    @Test("a negative amount is refused where it makes no sense")
    func negative() {
        #expect(throws: InputProblem("\"-1\" is negative; expected 0 or more")) {
            try MoneyAmount.micros(parsing: "-1", allowNegative: false)
        }
    }

    @Test("micros print with two to six decimal places", arguments: [
        (Int64(0), "0.00"), (12_500_000, "12.50"), (1, "0.000001"), (-3_000_000, "-3.00"), (1_234_500, "1.2345"),
        (Int64.min, "-9223372036854.775808"),
    ])
    func formats(_ micros: Int64, _ text: String) {
        #expect(MoneyAmount.format(micros: micros) == text)
    }
}
