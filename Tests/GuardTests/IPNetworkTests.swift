import SecurityEvents
import Testing

@Suite("IPNetwork and IPAddress")
struct IPNetworkTests {
    @Test("networks are stored normalised", arguments: [
        ("192.0.2.0/24", "192.0.2.0/24"),
        ("192.0.2.77/24", "192.0.2.0/24"),
        ("192.0.2.77", "192.0.2.77/32"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("10.255.255.255/9", "10.128.0.0/9"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("2001:DB8:0:0:0:0:0:1/32", "2001:db8::/32"),
        ("2001:db8::1", "2001:db8::1/128"),
        ("::", "::/128"),
        ("::1", "::1/128"),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1/128"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1/128"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1/128"),
        ("2001:db8:1:1:1:1:1:0", "2001:db8:1:1:1:1:1:0/128"),
        ("2001:db8::1:0", "2001:db8::1:0/128"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1/128"),
        ("::ffff:c000:201/120", "::ffff:192.0.2.0/120"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221/128"),
        ("fe80::1/10", "fe80::/10"),
    ])
    func normalised(_ text: String, _ expected: String) throws {
        #expect(try IPNetwork(parsing: text).description == expected)
    }

    @Test("anything else is refused", arguments: [
        "", "/24", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/024", "192.0.2.0/-1", "192.0.2.0/24/1", "192.0.2", "192.0.2.0.1",
        "192.0.2.256", "192.0.02.1", "1.2.3.4 ", " 1.2.3.4", "example.com", "2001:db8::/129", "2001:db8:::1", "1::2::3",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "fe80::1%eth0", "::ffff:1.2.3", "1.2.3.4::", "[::1]", "2001:db8::g",
        "１９２.0.2.1",
    ])
    func refused(_ text: String) {
        #expect(throws: IPNetwork.ParseError.self) { try IPNetwork(parsing: text) }
    }

    @Test("the error names the part that is wrong")
    func message() {
        #expect(throws: IPNetwork.ParseError.badAddress("x")) { try IPNetwork(parsing: "x") }
        #expect(throws: IPNetwork.ParseError.badPrefix("40")) { try IPNetwork(parsing: "10.0.0.0/40") }
        #expect(throws: IPNetwork.ParseError.badPrefix("+8")) { try IPNetwork(parsing: "10.0.0.0/+8") }
    }

    @Test("containment follows the prefix length")
    func contains() throws {
        let network = try IPNetwork(parsing: "192.0.2.128/25")
        #expect(network.contains(try IPAddress(parsing: "192.0.2.200").bytes))
        #expect(!network.contains(try IPAddress(parsing: "192.0.2.127").bytes))
        // A dual-stack socket's view of an IPv4 source is the same host.
        #expect(network.contains(try IPAddress(parsing: "::ffff:192.0.2.200").bytes))
        #expect(try IPNetwork(parsing: "2001:db8::/32").contains(try IPAddress(parsing: "2001:db8:ffff::1").bytes))
    }
}
