import Guard
import SecurityEvents
import Testing

/// Addresses as 128-bit keys, networks over them, and the longest-prefix table.
@Suite("Addresses and networks")
struct NetworkMapTests {
    static func key(_ text: String) -> AddressKey {
        guard let key = AddressKey(text) else { fatalError("bad address text in a test: \(text)") }
        return key
    }

    // MARK: - AddressKey

    @Test("An IPv4 address is its IPv4-mapped IPv6 form, from text, bytes or a wire integer")
    func ipv4Forms() throws {
        let fromText = Self.key("192.0.2.1")
        #expect(fromText == AddressKey(ipv4: 0xC000_0201))
        #expect(fromText == AddressKey(bytes: [192, 0, 2, 1]))
        #expect(fromText == Self.key("::ffff:192.0.2.1"))
        #expect(fromText == AddressKey(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1]))
        #expect(fromText == AddressKey(high: 0, low: 0x0000_FFFF_C000_0201))
        #expect(fromText.isIPv4)
        #expect(fromText.bytes == [192, 0, 2, 1])
        #expect(fromText.description == "192.0.2.1")
    }

    @Test("An IPv6 address from text and bytes, and back")
    func ipv6Forms() throws {
        let key = Self.key("2001:db8::1")
        #expect(key.high == 0x2001_0DB8_0000_0000)
        #expect(key.low == 1)
        #expect(!key.isIPv4)
        #expect(key.bytes == [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(AddressKey(bytes: key.bytes) == key)
        #expect(key.description == "2001:db8::1")
        #expect(Self.key("::1").description == "::1")
        #expect(Self.key("2001:DB8:0:0:0:0:0:1") == key)
        // The IPv4-compatible (deprecated) form is not IPv4-mapped.
        #expect(!Self.key("::192.0.2.1").isIPv4)
    }

    @Test("Text that is no address, and byte counts other than 4 and 16, give nil")
    func rejections() {
        for text in ["", "192.0.2", "192.0.2.1.5", "192.0.2.256", "2001:db8::1::2", "example.net", "192.0.2.1/32"] {
            #expect(AddressKey(text) == nil, "\(text)")
        }
        for count in [0, 1, 3, 5, 15, 17] {
            #expect(AddressKey(bytes: [UInt8](repeating: 1, count: count)) == nil, "\(count)")
        }
    }

    @Test("Masking keeps the first bits of 128 and clears the rest")
    func masking() {
        let key = Self.key("2001:db8:1234:5678:9abc:def0:1234:5678")
        #expect(key.masked(to: 128) == key)
        #expect(key.masked(to: 200) == key)
        #expect(key.masked(to: 0) == AddressKey(high: 0, low: 0))
        #expect(key.masked(to: -3) == AddressKey(high: 0, low: 0))
        #expect(key.masked(to: 64) == Self.key("2001:db8:1234:5678::"))
        #expect(key.masked(to: 56) == Self.key("2001:db8:1234:5600::"))
        #expect(key.masked(to: 1) == Self.key("::"))
        #expect(Self.key("8000::1").masked(to: 1) == Self.key("8000::"))
        #expect(key.masked(to: 65) == Self.key("2001:db8:1234:5678:8000::"))
        #expect(key.masked(to: 100) == Self.key("2001:db8:1234:5678:9abc:def0:1000::"))
        #expect(key.masked(to: 127) == Self.key("2001:db8:1234:5678:9abc:def0:1234:5678"))
        #expect(Self.key("2001:db8::ffff").masked(to: 127) == Self.key("2001:db8::fffe"))
        // IPv4 /24 is /120 of the mapped form.
        #expect(Self.key("192.0.2.77").masked(to: 120) == Self.key("192.0.2.0"))
        #expect(Self.key("192.0.2.77").masked(to: 120).isIPv4)
    }

    @Test("Keys order by their 128 bits: IPv4 before global IPv6")
    func ordering() {
        #expect(Self.key("192.0.2.1") < Self.key("192.0.2.2"))
        #expect(Self.key("192.0.2.255") < Self.key("192.0.3.0"))
        #expect(Self.key("255.255.255.255") < Self.key("2001:db8::"))
        #expect(Self.key("2001:db8::ffff") < Self.key("2001:db8:0:1::"))
    }

    // MARK: - GuardNetwork

    @Test("Network text round trips in the family's own notation", arguments: [
        ("192.0.2.0/24", "192.0.2.0/24", 120),
        ("192.0.2.77/24", "192.0.2.0/24", 120),
        ("192.0.2.1", "192.0.2.1/32", 128),
        ("0.0.0.0/0", "0.0.0.0/0", 96),
        ("10.0.0.0/8", "10.0.0.0/8", 104),
        ("2001:db8::/64", "2001:db8::/64", 64),
        ("2001:db8::1234/64", "2001:db8::/64", 64),
        ("2001:db8:1::/56", "2001:db8:1::/56", 56),
        ("2001:db8::1", "2001:db8::1/128", 128),
        ("::/0", "::/0", 0),
        ("::1/128", "::1/128", 128),
        ("::ffff:192.0.2.1/128", "192.0.2.1/32", 128),
    ])
    func roundTrip(text: String, expected: String, length: Int) throws {
        let parsed = try GuardNetwork(parsing: text)
        #expect(parsed.description == expected)
        #expect(parsed.length == length)
        #expect(try GuardNetwork(parsing: parsed.description) == parsed)
        #expect(GuardNetwork(parsed.ipNetwork) == parsed)
    }

    @Test("Text that is no network is rejected")
    func badNetworkText() {
        #expect(throws: IPNetwork.ParseError.badPrefix("33")) { try GuardNetwork(parsing: "192.0.2.0/33") }
        #expect(throws: IPNetwork.ParseError.badPrefix("129")) { try GuardNetwork(parsing: "2001:db8::/129") }
        #expect(throws: IPNetwork.ParseError.badPrefix("-1")) { try GuardNetwork(parsing: "2001:db8::/-1") }
        #expect(throws: IPNetwork.ParseError.badPrefix("")) { try GuardNetwork(parsing: "192.0.2.0/") }
        #expect(throws: IPNetwork.ParseError.badAddress("192.0.2")) { try GuardNetwork(parsing: "192.0.2/24") }
        #expect(throws: IPNetwork.ParseError.badAddress("example.net")) { try GuardNetwork(parsing: "example.net") }
    }

    @Test("An offender: an IPv4 address alone (/32), an IPv6 address by its prefix")
    func offender() {
        let v4 = GuardNetwork(offender: Self.key("198.51.100.9"), ipv6PrefixLength: 64)
        #expect(v4.description == "198.51.100.9/32")
        #expect(v4.length == 128)
        let v6 = GuardNetwork(offender: Self.key("2001:db8:1:2:3:4:5:6"), ipv6PrefixLength: 64)
        #expect(v6.description == "2001:db8:1:2::/64")
        #expect(v6 == network("2001:db8:1:2::/64"))
        let v6By56 = GuardNetwork(offender: Self.key("2001:db8:1:2:3:4:5:6"), ipv6PrefixLength: 56)
        #expect(v6By56.description == "2001:db8:1::/56")
        let mapped = GuardNetwork(offender: Self.key("::ffff:198.51.100.9"), ipv6PrefixLength: 64)
        #expect(mapped == v4)
    }

    @Test("A network built from a key masks it and clamps the length")
    func fromKey() {
        let slash24 = GuardNetwork(key: Self.key("192.0.2.77"), length: 120)
        #expect(slash24.key == Self.key("192.0.2.0"))
        #expect(slash24 == GuardNetwork(key: Self.key("192.0.2.1"), length: 120))
        #expect(GuardNetwork(key: Self.key("2001:db8::1"), length: 500).length == 128)
        #expect(GuardNetwork(key: Self.key("2001:db8::1"), length: -1).length == 0)
        #expect(GuardNetwork(key: Self.key("2001:db8::1"), length: -1) == network("::/0"))
    }

    @Test("contains")
    func contains() {
        let slash24 = network("192.0.2.0/24")
        #expect(slash24.contains(Self.key("192.0.2.0")))
        #expect(slash24.contains(Self.key("192.0.2.255")))
        #expect(slash24.contains(Self.key("::ffff:192.0.2.9")))
        #expect(!slash24.contains(Self.key("192.0.3.0")))
        #expect(!slash24.contains(Self.key("::c000:0209")))
        #expect(network("0.0.0.0/0").contains(Self.key("203.0.113.1")))
        #expect(!network("0.0.0.0/0").contains(Self.key("2001:db8::1")))
        #expect(network("::/0").contains(Self.key("203.0.113.1")))
        #expect(network("::/0").contains(Self.key("2001:db8::1")))
        #expect(network("2001:db8::/64").contains(Self.key("2001:db8::ffff:ffff:ffff:ffff")))
        #expect(!network("2001:db8::/64").contains(Self.key("2001:db8:0:1::")))
    }

    @Test("overlaps: one contains the other, either way round")
    func overlaps() {
        let pairs: [(String, String, Bool)] = [
            ("192.0.2.0/24", "192.0.2.5/32", true),
            ("192.0.2.0/24", "192.0.2.0/25", true),
            ("192.0.2.0/24", "192.0.3.0/24", false),
            ("192.0.2.0/23", "192.0.3.0/24", true),
            ("198.51.100.0/24", "192.0.2.0/24", false),
            ("0.0.0.0/0", "203.0.113.0/24", true),
            ("0.0.0.0/0", "2001:db8::/32", false),
            ("::/0", "203.0.113.7", true),
            ("::/0", "2001:db8::/32", true),
            ("2001:db8::/32", "2001:db8:1:2::/64", true),
            ("2001:db8::/32", "2001:db9::/32", false),
            ("2001:db8:1:2::/64", "2001:db8:1:3::/64", false),
            ("192.0.2.1", "192.0.2.1", true),
        ]
        for (left, right, expected) in pairs {
            #expect(network(left).overlaps(network(right)) == expected, "\(left) ~ \(right)")
            #expect(network(right).overlaps(network(left)) == expected, "\(right) ~ \(left)")
        }
    }

    // MARK: - NetworkMap

    @Test("The most specific network containing the address wins")
    func longestPrefixWins() throws {
        var map = NetworkMap<String>()
        map[network("0.0.0.0/0")] = "any v4"
        map[network("192.0.2.0/24")] = "/24"
        map[network("192.0.2.128/25")] = "/25"
        map[network("192.0.2.130/32")] = "/32"
        map[network("::/0")] = "anything"
        map[network("2001:db8::/32")] = "/32 v6"
        map[network("2001:db8:1:2::/64")] = "/64"
        #expect(map.lookup(Self.key("192.0.2.130"))?.value == "/32")
        #expect(map.lookup(Self.key("192.0.2.130"))?.network == network("192.0.2.130/32"))
        #expect(map.lookup(Self.key("192.0.2.131"))?.value == "/25")
        #expect(map.lookup(Self.key("192.0.2.131"))?.network == network("192.0.2.128/25"))
        #expect(map.lookup(Self.key("192.0.2.1"))?.value == "/24")
        #expect(map.lookup(Self.key("198.51.100.1"))?.value == "any v4")
        #expect(map.lookup(Self.key("::ffff:198.51.100.1"))?.value == "any v4")
        #expect(map.lookup(Self.key("2001:db8:1:2::99"))?.value == "/64")
        #expect(map.lookup(Self.key("2001:db8:1:3::99"))?.value == "/32 v6")
        #expect(map.lookup(Self.key("2001:db9::1"))?.value == "anything")
        #expect(map.count == 7)
    }

    @Test("IPv4: a /24 and a /32 side by side")
    func ipv4Slash24AndSlash32() {
        var map = NetworkMap<Int>()
        map[network("192.0.2.0/24")] = 24
        map[network("198.51.100.7")] = 32
        #expect(map.lookup(Self.key("192.0.2.200"))?.value == 24)
        #expect(map.contains(Self.key("192.0.2.0")))
        #expect(!map.contains(Self.key("192.0.3.0")))
        #expect(map.lookup(Self.key("198.51.100.7"))?.value == 32)
        #expect(!map.contains(Self.key("198.51.100.8")))
        #expect(!map.contains(Self.key("2001:db8::1")))
        // 0.0.0.0/0 is every IPv4 address and no IPv6 one.
        map[network("0.0.0.0/0")] = 0
        #expect(map.contains(Self.key("203.0.113.1")))
        #expect(!map.contains(Self.key("2001:db8::1")))
    }

    @Test("IPv6: a /64 holds its whole prefix")
    func ipv6Slash64() {
        var map = NetworkMap<Bool>()
        map[network("2001:db8:1:2::/64")] = true
        #expect(map.contains(Self.key("2001:db8:1:2::")))
        #expect(map.contains(Self.key("2001:db8:1:2:ffff:ffff:ffff:ffff")))
        #expect(!map.contains(Self.key("2001:db8:1:3::")))
        #expect(!map.contains(Self.key("2001:db8:1:1:ffff:ffff:ffff:ffff")))
        #expect(map[network("2001:db8:1:2::/64")] == true)
        #expect(map[network("2001:db8:1:2::/63")] == nil)
    }

    @Test("Count, replace and removal")
    func countsAndRemoval() {
        var map = NetworkMap<String>()
        #expect(map.isEmpty)
        map[network("192.0.2.0/24")] = "a"
        map[network("192.0.2.0/24")] = "b"
        #expect(map.count == 1)
        #expect(map[network("192.0.2.77/24")] == "b")
        map[network("192.0.2.1")] = "c"
        map[network("2001:db8::/64")] = "d"
        #expect(map.count == 3)
        // Removing what is not there changes nothing.
        map[network("203.0.113.0/24")] = nil
        #expect(map.count == 3)
        map[network("192.0.2.1")] = nil
        #expect(map.count == 2)
        #expect(map.lookup(Self.key("192.0.2.1"))?.value == "b")
        map[network("192.0.2.0/24")] = nil
        #expect(!map.contains(Self.key("192.0.2.1")))
        // A prefix length emptied and used again.
        map[network("198.51.100.0/24")] = "e"
        #expect(map.lookup(Self.key("198.51.100.1"))?.value == "e")
        map[network("2001:db8::/64")] = nil
        map[network("198.51.100.0/24")] = nil
        #expect(map.isEmpty)
        #expect(map.entries.isEmpty)
        #expect(map.lookup(Self.key("198.51.100.1")) == nil)
    }

    @Test("entries: most specific first, then by address; removeAll(where:)")
    func entriesAndRemoveAll() {
        var map = NetworkMap<Int>()
        map[network("2001:db8::/64")] = 1
        map[network("198.51.100.9")] = 2
        map[network("192.0.2.0/24")] = 3
        map[network("192.0.2.1")] = 4
        map[network("10.0.0.0/8")] = 5
        #expect(map.entries.map { $0.network.description } == [
            "192.0.2.1/32", "198.51.100.9/32", "192.0.2.0/24", "10.0.0.0/8", "2001:db8::/64",
        ])
        #expect(map.entries.map { $0.value } == [4, 2, 3, 5, 1])
        map.removeAll { _, value in value % 2 == 0 }
        #expect(map.count == 3)
        #expect(map.entries.map { $0.value } == [3, 5, 1])
        map.removeAll { network, _ in network.length < 100 }
        #expect(map.entries.map { $0.value } == [3, 5])
    }

    @Test("Many entries: each found, and absent ones not")
    func manyEntries() {
        var map = NetworkMap<Int>()
        for index in 0..<1_000 {
            map[GuardNetwork(key: AddressKey(ipv4: 0x0A00_0000 | UInt32(index)), length: 128)] = index
        }
        #expect(map.count == 1_000)
        for index in stride(from: 0, to: 1_000, by: 37) {
            #expect(map.lookup(AddressKey(ipv4: 0x0A00_0000 | UInt32(index)))?.value == index)
        }
        #expect(!map.contains(AddressKey(ipv4: 0x0A00_0000 | 1_000)))
    }
}
