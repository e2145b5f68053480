/// An IPv4 or IPv6 address as text, parsed strictly (no zones, no abbreviated or octal IPv4
/// forms) and printed in one canonical form, so that the same address is always the same
/// text. The one address parser: configuration, commands, listeners and networks use it.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6), network order.
    public let bytes: [UInt8]

    public var isIPv6: Bool { bytes.count == 16 }

    public init(parsing text: String) throws(IPNetwork.ParseError) {
        guard let bytes = Self.bytes(text) else { throw .badAddress(text) }
        self.bytes = bytes
    }

    /// 4 or 16 bytes, network order.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address is 4 or 16 bytes")
        self.bytes = bytes
    }

    /// The address's bytes (4 or 16), or nil when `text` is not an address.
    public static func bytes(_ text: some StringProtocol) -> [UInt8]? {
        text.contains(":") ? ipv6(Substring(text)) : ipv4(Substring(text))
    }

    /// Dotted quad: four decimal numbers 0-255. A leading zero is refused, since some
    /// parsers read `010` as octal 8: the text must mean one address only.
    static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.utf8.allSatisfy({ (0x30...0x39).contains($0) }), part == "0" || part.first != "0",
                  let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// RFC 4291 §2.2: eight groups of 1-4 hex digits, one `::` standing for one or more zero
    /// groups, and optionally a dotted quad as the last 32 bits.
    static func ipv6(_ text: Substring) -> [UInt8]? {
        let halves = text.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = ipv4(piece) else { return nil }
                    result += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let value = UInt16(piece, radix: 16)
                    else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        var all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
                  head.count + tail.count <= 7
            else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let only = groups(halves[0], allowIPv4Tail: true), only.count == 8 else { return nil }
            all = only
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// IPv4 dotted quad; IPv6 as RFC 5952 §4 says: lower-case hex without leading zeros, the
    /// longest run of two or more zero groups (the first of equals) as `::`, and an
    /// IPv4-mapped address with its last 32 bits as a dotted quad (§5).
    public var description: String {
        guard isIPv6 else {
            // At most 15 characters: a small string, built without allocating.
            var text = String(bytes[0])
            for byte in bytes[1...] {
                text.append(".")
                text.append(String(byte))
            }
            return text
        }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xFFFF {
            return "::ffff:" + bytes[12...].map(String.init).joined(separator: ".")
        }
        var best: Range<Int>?
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index >= 2, end - index > (best?.count ?? 0) { best = index..<end }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard let best else { return hex.joined(separator: ":") }
        return hex[..<best.lowerBound].joined(separator: ":") + "::" + hex[best.upperBound...].joined(separator: ":")
    }
}
