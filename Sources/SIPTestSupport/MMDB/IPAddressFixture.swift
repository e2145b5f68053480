/// Parses the address and network literals the tests are written in: dotted-quad IPv4 and
/// colon-hex IPv6 with at most one `::`. For tests only, so malformed input is a programming
/// error.
public enum IPAddressFixture {
    /// 4 bytes for an IPv4 literal, 16 for an IPv6 one.
    public static func bytes(_ text: String) -> [UInt8] {
        text.contains(":") ? ipv6(text) : ipv4(text)
    }

    /// The address bytes and prefix length of `a.b.c.d/n` or `x:y::/n`.
    public static func network(_ cidr: String) -> (address: [UInt8], prefixLength: Int) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        precondition(parts.count == 2, "not a CIDR network: \(cidr)")
        let address = bytes(String(parts[0]))
        guard let length = Int(parts[1]), (0...(address.count * 8)).contains(length) else {
            preconditionFailure("bad prefix length: \(cidr)")
        }
        return (address, length)
    }

    private static func ipv4(_ text: String) -> [UInt8] {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
        precondition(octets.count == 4 && octets.allSatisfy { $0 != nil }, "not an IPv4 address: \(text)")
        return octets.map { $0! }
    }

    private static func ipv6(_ text: String) -> [UInt8] {
        let halves = text.pieces(separatedBy: "::")
        precondition(halves.count <= 2, "more than one :: in \(text)")
        let head = groups(halves[0])
        let tail = halves.count == 2 ? groups(halves[1]) : []
        let zeros = 8 - head.count - tail.count
        precondition(halves.count == 2 ? zeros >= 0 : zeros == 0, "wrong group count: \(text)")
        let all = head + Array(repeating: UInt16(0), count: zeros) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    private static func groups(_ text: String) -> [UInt16] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: ":", omittingEmptySubsequences: false).map { group in
            guard let value = UInt16(group, radix: 16) else { preconditionFailure("bad IPv6 group \(group)") }
            return value
        }
    }
}

private extension String {
    /// Splits on a multi-character separator without Foundation (named apart from
    /// Foundation's `components(separatedBy:)`, which other files of this target import).
    func pieces(separatedBy separator: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            pieces.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        pieces.append(String(rest))
        return pieces
    }
}
