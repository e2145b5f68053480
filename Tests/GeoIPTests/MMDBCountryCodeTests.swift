import GeoIP
import SIPTestSupport
import Testing

/// `countryCode`: `country.iso_code`, else `registered_country.iso_code`, uppercased.
@Suite struct MMDBCountryCodeTests {
    static func reader(_ record: MMDBFixtureValue, sharesValues: Bool = true) throws -> MMDBReader {
        try MMDBReader(
            bytes: MMDBFixtureWriter.database(
                ipVersion: 4, recordSize: 24, networks: [("198.51.100.0/24", record)], sharesValues: sharesValues))
    }

    static let address: [UInt8] = [198, 51, 100, 10]

    @Test(arguments: [
        (GeoLiteRecord.located("FR", "France"), "FR"),
        (GeoLiteRecord.registeredOnly("US", "United States"), "US"),
        (.map(["country": .map(["names": .map(["en": .string("Nowhere")])]),
               "registered_country": .map(["iso_code": .string("CA")])]), "CA"),
        (.map(["country": .map(["iso_code": .string("de")])]), "DE"),
        (.map(["country": .map(["iso_code": .string("EUR")]), "registered_country": .map(["iso_code": .string("AT")])]), "AT"),
        (.map(["country": .map(["iso_code": .uint16(250)])]), nil),
        (.map(["country": .string("FR")]), nil),
        (.map(["continent": .map(["code": .string("EU")])]), nil),
        (.array([.string("FR")]), nil),
        (.string("FR"), nil),
    ] as [(MMDBFixtureValue, String?)])
    func countryCodeFallsBackToTheRegisteredCountry(record: MMDBFixtureValue, expected: String?) throws {
        #expect(try Self.reader(record).countryCode(Self.address) == expected)
        #expect(try Self.reader(record, sharesValues: false).countryCode(Self.address) == expected)
    }

    @Test func addressesWithoutARecordHaveNoCountry() throws {
        #expect(try Self.reader(GeoLiteRecord.located("FR", "France")).countryCode([198, 51, 101, 0]) == nil)
    }

    /// The path walk skips values it does not want; a record whose earlier entries are
    /// nested and shared must still be skipped correctly.
    @Test func skippedEntriesOfEveryTypeDoNotDerailTheWalk() throws {
        let record = MMDBFixtureValue.map([
            "a": MMDBValueDecodingTests.everyType,
            "b": MMDBValueDecodingTests.everyType,
            "country": .map(["confidence": .uint16(90), "iso_code": .string("NZ")]),
        ])
        #expect(try Self.reader(record).countryCode(Self.address) == "NZ")
        #expect(try Self.reader(record, sharesValues: false).countryCode(Self.address) == "NZ")
    }
}
