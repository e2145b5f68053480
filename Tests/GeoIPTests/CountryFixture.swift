import GeoIP
import SIPTestSupport

/// The GeoLite2-Country-shaped networks most tests look up in, nested so that longest-prefix
/// matching decides several answers, and a table of addresses at and around their edges.
enum CountryFixture {
    static let ipv4Networks: [(cidr: String, value: MMDBFixtureValue)] = [
        ("2.0.0.0/8", GeoLiteRecord.located("FR", "France")),
        ("2.16.0.0/13", GeoLiteRecord.located("DE", "Germany")),
        ("2.16.5.0/24", GeoLiteRecord.located("IT", "Italy")),
        ("81.2.69.0/24", GeoLiteRecord.located("GB", "United Kingdom")),
        ("81.2.70.0/23", GeoLiteRecord.registeredOnly("US", "United States")),
        ("89.160.20.112/28", GeoLiteRecord.located("SE", "Sweden")),
        ("203.0.113.7/32", GeoLiteRecord.located("JP", "Japan")),
    ]

    static let ipv6Networks: [(cidr: String, value: MMDBFixtureValue)] = [
        ("2001:db8::/32", GeoLiteRecord.located("NL", "Netherlands")),
        ("2001:db8:1::/48", GeoLiteRecord.located("BE", "Belgium")),
        ("2a02:cf40::/29", GeoLiteRecord.located("NO", "Norway")),
    ]

    /// IPv4 addresses and the country code expected for each (nil: no record).
    static let ipv4Expectations: [(address: String, country: String?)] = [
        ("1.255.255.255", nil), ("2.0.0.0", "FR"), ("2.15.255.255", "FR"),
        ("2.16.0.0", "DE"), ("2.16.4.255", "DE"), ("2.16.5.0", "IT"), ("2.16.5.128", "IT"),
        ("2.16.5.255", "IT"), ("2.16.6.0", "DE"), ("2.23.255.255", "DE"), ("2.24.0.0", "FR"),
        ("2.255.255.255", "FR"), ("3.0.0.0", nil),
        ("81.2.68.255", nil), ("81.2.69.0", "GB"), ("81.2.69.255", "GB"),
        ("81.2.70.0", "US"), ("81.2.71.255", "US"), ("81.2.72.0", nil),
        ("89.160.20.111", nil), ("89.160.20.112", "SE"), ("89.160.20.127", "SE"), ("89.160.20.128", nil),
        ("203.0.113.6", nil), ("203.0.113.7", "JP"), ("203.0.113.8", nil),
        ("0.0.0.0", nil), ("255.255.255.255", nil),
    ]

    /// IPv6 addresses (IPv6 databases only) and their expected country codes.
    static let ipv6Expectations: [(address: String, country: String?)] = [
        ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", nil), ("2001:db8::", "NL"),
        ("2001:db8:0:ffff::1", "NL"), ("2001:db8:1::", "BE"),
        ("2001:db8:1:ffff:ffff:ffff:ffff:ffff", "BE"), ("2001:db8:2::", "NL"),
        ("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "NL"), ("2001:db9::", nil),
        ("2a02:cf3f:ffff:ffff:ffff:ffff:ffff:ffff", nil), ("2a02:cf40::1", "NO"),
        ("2a02:cf47:ffff::", "NO"), ("2a02:cf48::", nil),
        ("::", nil), ("::1", nil), ("ffff::", nil),
        // IPv4 addresses written as ::a.b.c.d reach the IPv4 subtree directly.
        ("::210:501", "IT"), ("::5102:45ff", "GB"), ("::cb00:7107", "JP"), ("::cb00:7108", nil),
    ]

    static func database(ipVersion: Int, recordSize: Int, sharesValues: Bool = true, padding: Int = 0) -> [UInt8] {
        MMDBFixtureWriter.database(
            ipVersion: ipVersion, recordSize: recordSize,
            networks: ipVersion == 4 ? ipv4Networks : ipv4Networks + ipv6Networks,
            sharesValues: sharesValues, padding: padding)
    }
}
