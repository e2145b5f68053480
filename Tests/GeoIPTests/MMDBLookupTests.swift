import GeoIP
import SIPTestSupport
import Testing

/// Search-tree walks (spec "Search Tree Section", "IPv4 addresses in an IPv6 tree") against
/// databases written to temporary files, for every record size and both IP versions.
@Suite struct MMDBLookupTests {
    static let layouts: [(ipVersion: Int, recordSize: Int)] = [(4, 24), (4, 28), (4, 32), (6, 24), (6, 28), (6, 32)]

    @Test(arguments: layouts)
    func ipv4AddressesMatchTheLongestPrefix(ipVersion: Int, recordSize: Int) throws {
        let bytes = CountryFixture.database(ipVersion: ipVersion, recordSize: recordSize)
        try TemporaryDatabaseFile.withFile(bytes) { path in
            let reader = try MMDBReader(contentsOfFile: path)
            for (address, country) in CountryFixture.ipv4Expectations {
                #expect(try reader.countryCode(IPAddressFixture.bytes(address)) == country, "\(address)")
            }
        }
    }

    @Test(arguments: [24, 28, 32])
    func ipv6AddressesMatchTheLongestPrefix(recordSize: Int) throws {
        let bytes = CountryFixture.database(ipVersion: 6, recordSize: recordSize)
        try TemporaryDatabaseFile.withFile(bytes) { path in
            let reader = try MMDBReader(contentsOfFile: path)
            for (address, country) in CountryFixture.ipv6Expectations {
                #expect(try reader.countryCode(IPAddressFixture.bytes(address)) == country, "\(address)")
            }
        }
    }

    @Test(arguments: layouts)
    func lookupReturnsTheWholeRecord(ipVersion: Int, recordSize: Int) throws {
        let reader = try MMDBReader(bytes: CountryFixture.database(ipVersion: ipVersion, recordSize: recordSize))
        #expect(try reader.lookup(IPAddressFixture.bytes("2.16.5.77")) == MMDBValue(GeoLiteRecord.located("IT", "Italy")))
        #expect(try reader.lookup(IPAddressFixture.bytes("81.2.70.1")) == MMDBValue(GeoLiteRecord.registeredOnly("US", "United States")))
        #expect(try reader.lookup(IPAddressFixture.bytes("3.0.0.0")) == nil)
        let record = try #require(try reader.lookup(IPAddressFixture.bytes("2.16.5.77")))
        #expect(record["country"]?["names"]?["en"]?.string == "Italy")
        #expect(record["country"]?["geoname_id"]?.unsignedInteger == 1)
    }

    @Test(arguments: [24, 28, 32])
    func ipv6AddressesFindNothingInAnIPv4Database(recordSize: Int) throws {
        let reader = try MMDBReader(bytes: CountryFixture.database(ipVersion: 4, recordSize: recordSize))
        #expect(try reader.lookup(IPAddressFixture.bytes("::210:501")) == nil)
        #expect(try reader.countryCode(IPAddressFixture.bytes("2001:db8::1")) == nil)
    }

    @Test func anIPv6DatabaseWithoutIPv4NetworksFindsNoIPv4Address() throws {
        let bytes = MMDBFixtureWriter.database(ipVersion: 6, recordSize: 24, networks: CountryFixture.ipv6Networks)
        let reader = try MMDBReader(bytes: bytes)
        #expect(try reader.countryCode(IPAddressFixture.bytes("2.16.5.1")) == nil)
        #expect(try reader.countryCode(IPAddressFixture.bytes("2001:db8::1")) == "NL")
    }

    @Test func aDefaultRouteCoversEveryAddress() throws {
        let bytes = MMDBFixtureWriter.database(
            ipVersion: 4, recordSize: 24,
            networks: [("0.0.0.0/0", GeoLiteRecord.located("ZZ", "Anywhere")), ("10.0.0.0/8", GeoLiteRecord.located("AQ", "Here"))])
        let reader = try MMDBReader(bytes: bytes)
        #expect(try reader.countryCode([0, 0, 0, 0]) == "ZZ")
        #expect(try reader.countryCode([10, 255, 0, 1]) == "AQ")
        #expect(try reader.countryCode([255, 255, 255, 255]) == "ZZ")
    }

    /// Records above 2^24 set the top nibbles of 28-bit records (both sides of the shared
    /// middle byte) and the top byte of 32-bit ones: a 16 MiB data section gets them there.
    @Test(arguments: [28, 32])
    func recordsAboveTwentyFourBitsAreRead(recordSize: Int) throws {
        let reader = try MMDBReader(
            bytes: CountryFixture.database(ipVersion: 6, recordSize: recordSize, padding: 1 << 24))
        for (address, country) in CountryFixture.ipv4Expectations + CountryFixture.ipv6Expectations {
            #expect(try reader.countryCode(IPAddressFixture.bytes(address)) == country, "\(address)")
        }
    }

    @Test func addressesOfOtherLengthsAreRejected() throws {
        let reader = try MMDBReader(bytes: CountryFixture.database(ipVersion: 6, recordSize: 24))
        #expect(throws: MMDBError.addressLengthInvalid(5)) { try reader.lookup([1, 2, 3, 4, 5]) }
        #expect(throws: MMDBError.addressLengthInvalid(0)) { try reader.countryCode([]) }
    }
}
