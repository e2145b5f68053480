import SecurityEvents

/// A CIDR network a device may use (RFC 4632 §3.1 for IPv4, RFC 4291 §2.3 for IPv6), written
/// `192.0.2.0/24` or `2001:db8::/32`; a bare address is the network of that one address.
/// Stored normalised: canonical address text with the host bits cleared, so that
/// `192.0.2.7/24` and `192.0.2.0/24` are the same network.
public struct NetworkPrefix: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let length: Int

    public init(parsing text: String) throws(InputProblem) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let parsed: IPAddress
        do throws(InputProblem) {
            parsed = try IPAddress(parsing: String(parts[0]))
        } catch {
            throw InputProblem("\"\(text)\" is not a network; expected an address, or ADDRESS/LENGTH like 192.0.2.0/24 or 2001:db8::/32")
        }
        let maximum = parsed.bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.count), digits.allSatisfy(\.isASCIIDigit), digits == "0" || digits.first != "0",
                  let value = Int(digits), value <= maximum
            else {
                throw InputProblem("\"\(text)\": the prefix length must be a number from 0 to \(maximum)")
            }
            length = value
        }
        self.length = length
        self.address = IPAddress(bytes: IPNetwork(address: parsed.bytes, prefixLength: length).address)
    }

    /// Whether `address` is inside this network (of the same family: an IPv4-mapped IPv6
    /// address is not inside an IPv4 network here).
    public func contains(_ other: IPAddress) -> Bool {
        other.bytes.count == address.bytes.count && IPNetwork(address: address.bytes, prefixLength: length).contains(other.bytes)
    }

    public var description: String { "\(address)/\(length)" }
}
