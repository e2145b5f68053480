import Guard

/// Where the security report counts an attempt or a ban: one address for an unidentified
/// attempt and for a ban of a single address (`192.0.2.7/32` is `192.0.2.7`), the network
/// for a wider ban (an IPv6 offender is banned by its /64, docs/guard.md), so that an
/// address's attempts and its own bans add up on one line.
struct ReportSource: Hashable, Comparable {
    /// `192.0.2.7`, `2001:db8::/64`, or the stored text when it is no address at all.
    let text: String
    /// The address part, for the country lookup and the order.
    let address: String
    private let key: AddressKey?
    private let prefixLength: Int

    /// An attempt's source address, in its conventional form (an IPv4-mapped IPv6 address
    /// is the IPv4 address it carries).
    init(address text: String) {
        let key = AddressKey(text)
        let address = key?.description ?? text
        self.init(text: address, address: address, key: key, prefixLength: 128)
    }

    /// A ban's network, as `Ban.network` stores it (canonical CIDR text).
    init(network: String) {
        let parts = network.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let key = AddressKey(String(parts[0])) else {
            self.init(text: network, address: network, key: nil, prefixLength: 128)
            return
        }
        let whole = key.isIPv4 ? 32 : 128
        let length = parts.count == 2 ? Int(parts[1]) ?? whole : whole
        let address = key.description
        if length >= whole {
            self.init(text: address, address: address, key: key, prefixLength: 128)
        } else {
            // AddressKey holds IPv4 in the IPv4-mapped IPv6 range (RFC 4291 §2.5.5.2): 96 bits first.
            self.init(text: address + "/" + String(length), address: address, key: key, prefixLength: key.isIPv4 ? length + 96 : length)
        }
    }

    private init(text: String, address: String, key: AddressKey?, prefixLength: Int) {
        self.text = text
        self.address = address
        self.key = key
        self.prefixLength = prefixLength
    }

    /// By address (IPv4 before IPv6, numerically: 192.0.2.9 before 192.0.2.10), a network
    /// before the addresses inside it; text that is no address last, alphabetically.
    static func < (lhs: ReportSource, rhs: ReportSource) -> Bool {
        switch (lhs.key, rhs.key) {
        case let (left?, right?):
            if left.isIPv4 != right.isIPv4 { return left.isIPv4 }
            return (left, lhs.prefixLength) < (right, rhs.prefixLength)
        case (.some, .none): return true
        case (.none, .some): return false
        case (.none, .none): return lhs.text < rhs.text
        }
    }
}
