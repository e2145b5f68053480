import SecurityEvents

/// An IP address as 128 bits, IPv4 in its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`, RFC 4291
/// §2.5.5.2), so that one table and one mask serve both families without allocating.
public struct AddressKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    static let v4MappedMarker: UInt64 = 0x0000_FFFF_0000_0000

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address in network byte order as read from the wire (`a.b.c.d` → `0xaabbccdd`).
    public init(ipv4: UInt32) {
        self.init(high: 0, low: Self.v4MappedMarker | UInt64(ipv4))
    }

    /// From 4 (IPv4) or 16 (IPv6) address bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            var value: UInt32 = 0
            for byte in bytes { value = value << 8 | UInt32(byte) }
            self.init(ipv4: value)
        case 16:
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (index, byte) in bytes.enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self.init(high: high, low: low)
        default:
            return nil
        }
    }

    /// From address text (`192.0.2.1`, `2001:db8::1`).
    public init?(_ text: String) {
        guard let bytes = IPAddress.bytes(text) else { return nil }
        self.init(bytes: bytes)
    }

    public var isIPv4: Bool { high == 0 && low >> 32 == 0x0000_FFFF }

    /// The address with every bit after the first `length` (of 128) cleared.
    public func masked(to length: Int) -> AddressKey {
        if length >= 128 { return self }
        if length <= 0 { return AddressKey(high: 0, low: 0) }
        if length <= 64 {
            return AddressKey(high: length == 64 ? high : high & ~(UInt64.max >> UInt64(length)), low: 0)
        }
        return AddressKey(high: high, low: low & ~(UInt64.max >> UInt64(length - 64)))
    }

    /// 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        if isIPv4 { return (0..<4).map { UInt8(truncatingIfNeeded: low >> UInt64(24 - 8 * $0)) } }
        return (0..<8).map { UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * $0)) }
    }

    public var description: String { IPAddress(bytes: bytes).description }

    public static func < (lhs: AddressKey, rhs: AddressKey) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
