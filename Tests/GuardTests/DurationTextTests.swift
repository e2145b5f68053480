import Guard
import Testing

/// Durations as operators write them: a whole number with s, m, h, d or w, or bare seconds.
@Suite("Duration text")
struct DurationTextTests {
    @Test("A number with a unit", arguments: [
        ("30s", 30), ("10m", 600), ("2h", 7_200), ("7d", 604_800), ("1w", 604_800), ("2w", 1_209_600),
        ("1s", 1), ("90m", 5_400), ("0010m", 600), (" 10m ", 600),
    ])
    func withUnit(text: String, seconds: Int) throws {
        #expect(try DurationText.seconds(text) == seconds)
    }

    @Test("A bare number is seconds")
    func bareSeconds() throws {
        #expect(try DurationText.seconds("45") == 45)
        #expect(try DurationText.seconds("3600") == 3_600)
        #expect(try DurationText.seconds("1") == 1)
    }

    @Test("Rejected: zero, negative, unknown units, empty, fractions, non-ASCII digits, overflow", arguments: [
        "0", "0s", "00m", "-5", "-5m", "+5", "10x", "10M", "", " ", "s", "m", "1.5h", "5 m", "1h30m", "１０m", "٣s", "ten",
        "9999999999999999999", "99999999999999999999w", "9223372036854775807",
    ])
    func rejections(text: String) {
        let error = #expect(throws: DurationText.ParseError.self) { try DurationText.seconds(text) }
        #expect(error?.text == text)
    }

    @Test("The error names the text and the expected form")
    func errorText() throws {
        let error = try #require(throws: DurationText.ParseError.self) { try DurationText.seconds("10x") }
        #expect(error.description.contains("\"10x\""))
        #expect(error.description.contains("30s"))
    }

    @Test("Durations up to a century are accepted; longer ones (say permanent) are not")
    func largeAmounts() throws {
        #expect(try DurationText.seconds("5200w") == 5_200 * 604_800)
        #expect(try DurationText.seconds("3155760000") == DurationText.longest)
        #expect(throws: DurationText.ParseError.self) { try DurationText.seconds("3155760001") }
        #expect(throws: DurationText.ParseError.self) { try DurationText.seconds("99999999999w") }
        #expect(throws: DurationText.ParseError.self) { try DurationText.seconds("15250284452472w") }
    }

    @Test("The shortest exact text of a number of seconds", arguments: [
        (30, "30s"), (59, "59s"), (60, "1m"), (90, "90s"), (600, "10m"), (3_600, "1h"), (3_660, "61m"), (7_200, "2h"),
        (86_400, "1d"), (90_000, "25h"), (604_800, "1w"), (1_209_600, "2w"), (1_296_000, "15d"), (1, "1s"),
    ])
    func text(seconds: Int, expected: String) {
        #expect(DurationText.text(seconds: seconds) == expected)
    }

    @Test("text(seconds:) round-trips through seconds(_:)")
    func roundTrip() throws {
        for seconds in [1, 2, 59, 60, 61, 119, 120, 599, 600, 601, 3_599, 3_600, 3_601, 7_200, 86_399, 86_400, 86_401, 604_799, 604_800, 604_801, 1_209_600, 31_536_000] {
            #expect(try DurationText.seconds(DurationText.text(seconds: seconds)) == seconds, "\(seconds)")
        }
        for seconds in stride(from: 1, to: 200_000, by: 997) {
            #expect(try DurationText.seconds(DurationText.text(seconds: seconds)) == seconds, "\(seconds)")
        }
    }
}
