public import SecurityEvents

/// A network as the Guard keys it: an address masked to a prefix length counted over 128
/// bits (an IPv4 /24 is a /120 of its IPv4-mapped form).
public struct GuardNetwork: Sendable, Hashable, CustomStringConvertible {
    public let key: AddressKey
    /// 0...128, over the mapped form.
    public let length: Int

    public init(key: AddressKey, length: Int) {
        let length = max(0, min(128, length))
        self.key = key.masked(to: length)
        self.length = length
    }

    /// The address itself: an IPv4 address alone, an IPv6 address by its prefix of
    /// `ipv6PrefixLength` bits (an attacker owns a whole /64 as easily as one address).
    public init(offender key: AddressKey, ipv6PrefixLength: Int) {
        self.init(key: key, length: key.isIPv4 ? 128 : ipv6PrefixLength)
    }

    public init(_ network: IPNetwork) {
        // A bare IPv4 network's prefix counts over 32 bits; the mapped form adds 96.
        let key = AddressKey(bytes: network.address)!
        self.init(key: key, length: network.address.count == 4 ? 96 + network.prefixLength : network.prefixLength)
    }

    public init(parsing text: String) throws(IPNetwork.ParseError) {
        self.init(try IPNetwork(parsing: text))
    }

    public func contains(_ address: AddressKey) -> Bool {
        address.masked(to: length) == key
    }

    /// Whether the two networks share any address (one contains the other).
    public func overlaps(_ other: GuardNetwork) -> Bool {
        let shorter = min(length, other.length)
        return key.masked(to: shorter) == other.key.masked(to: shorter)
    }

    /// In the family's own notation: `192.0.2.0/24`, `2001:db8::/64`.
    public var ipNetwork: IPNetwork {
        key.isIPv4 && length >= 96
            ? IPNetwork(address: key.bytes, prefixLength: length - 96)
            : IPNetwork(address: Self.v6Bytes(key), prefixLength: length)
    }

    public var description: String { ipNetwork.description }

    private static func v6Bytes(_ key: AddressKey) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: key.high >> UInt64(56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: key.low >> UInt64(56 - 8 * $0)) }
    }
}
