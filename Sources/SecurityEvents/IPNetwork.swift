/// An IPv4 or IPv6 network in CIDR notation (`192.0.2.0/24`, `2001:db8::/32`; a bare address
/// is a /32 or /128), matched against raw address bytes (4 or 16), so that the hot path never
/// formats an address as text.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address, masked: 4 bytes for IPv4, 16 for IPv6.
    public let address: [UInt8]
    public let prefixLength: Int

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case badAddress(String)
        case badPrefix(String)

        public var description: String {
            switch self {
            case .badAddress(let text): return "\"\(text)\" is not an IPv4 or IPv6 address"
            case .badPrefix(let text): return "\"\(text)\" is not a prefix length for this address family"
            }
        }
    }

    /// `ADDRESS` or `ADDRESS/LENGTH`: the length in decimal without a sign or leading zero.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let bytes = try IPAddress(parsing: String(parts[0])).bytes
        let maximum = bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.count), digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), digits == "0" || digits.first != "0",
                  let value = Int(digits), value <= maximum
            else { throw .badPrefix(String(digits)) }
            length = value
        }
        self.init(address: bytes, prefixLength: length)
    }

    public init(address: [UInt8], prefixLength: Int) {
        precondition(address.count == 4 || address.count == 16, "an IP address is 4 or 16 bytes")
        precondition((0...address.count * 8).contains(prefixLength), "prefix length out of range")
        self.address = Self.masked(address, prefixLength)
        self.prefixLength = prefixLength
    }

    /// Whether `bytes` (4 or 16 bytes) is inside this network. An IPv4-mapped IPv6 address
    /// (`::ffff:192.0.2.1`) matches IPv4 networks.
    public func contains(_ bytes: [UInt8]) -> Bool {
        var candidate = bytes
        if candidate.count == 16, address.count == 4, Self.isIPv4Mapped(candidate) {
            candidate = Array(candidate[12..<16])
        }
        guard candidate.count == address.count else { return false }
        return Self.masked(candidate, prefixLength) == address
    }

    public var description: String {
        "\(IPAddress(bytes: address))/\(prefixLength)"
    }

    static func isIPv4Mapped(_ bytes: [UInt8]) -> Bool {
        bytes.count == 16 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
    }

    static func masked(_ bytes: [UInt8], _ prefixLength: Int) -> [UInt8] {
        var result = bytes
        for index in 0..<result.count {
            let bitsHere = max(0, min(8, prefixLength - index * 8))
            result[index] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
        }
        return result
    }
}

extension IPNetwork {
    /// One address: a /32 or a /128.
    public var isSingleAddress: Bool { prefixLength == address.count * 8 }

    /// Whether the two share an address: one of them contains the other.
    public func overlaps(_ other: IPNetwork) -> Bool {
        guard address.count == other.address.count else { return false }
        return prefixLength <= other.prefixLength ? contains(other.address) : other.contains(address)
    }

    /// This network and every network that contains it, /0 first, in canonical text: the
    /// networks whose bans apply to it.
    public var coveringNetworks: [String] {
        (0...prefixLength).map { IPNetwork(address: address, prefixLength: $0).description }
    }
}
