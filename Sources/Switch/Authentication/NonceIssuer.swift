import Crypto
import Synchronization

/// Stateless digest nonces (RFC 7616 §3.3 leaves their form to the server): the time of issue
/// and an HMAC over that time and the client's IP address, under a secret of the server. A
/// nonce costs no memory until it is used, survives a restart (the secret is kept in the data
/// directory), is valid on every thread, and is worthless from another address.
///
/// nonce = base64url( issued-ms (8) ‖ serial (8) ‖ HMAC-SHA-256(secret, issued ‖ serial ‖ ip)[0..<16] )
///
/// The serial makes every nonce distinct, also two given to one address in the same
/// millisecond (clients behind one NAT), so that their nonce-counts never collide.
public struct NonceIssuer: Sendable {
    private let key: KeyedHash
    private let serials: NonceSerials
    /// Milliseconds a nonce is accepted.
    public let lifetimeMilliseconds: Int64

    public init(secret: [UInt8], lifetimeSeconds: Int) {
        precondition(secret.count >= 16, "the nonce secret must have at least 128 bits")
        self.key = KeyedHash(key: secret)
        self.serials = NonceSerials()
        self.lifetimeMilliseconds = Int64(lifetimeSeconds) * 1000
    }

    /// What a nonce turned out to be.
    public enum Check: Equatable, Sendable {
        /// Made by this server for this address, within its lifetime.
        case valid(issuedAt: Int64)
        /// Made by this server for this address, but too old (or from the future: a clock
        /// that went back is treated the same way).
        case expired(issuedAt: Int64)
        /// Not made by this server, or for another address.
        case invalid
    }

    /// A new nonce for `ip` (the source address's bytes) at `now` (Unix milliseconds).
    public func make(for ip: [UInt8], now: Int64) -> String {
        var raw = Self.bigEndianBytes(now)
        raw += Self.bigEndianBytes(serials.next())
        raw += tag(issued: raw, ip: ip)
        return Base64URL.encode(raw)
    }

    public func check(_ nonce: String, for ip: [UInt8], now: Int64) -> Check {
        guard let raw = Base64URL.decode(nonce), raw.count == 32 else { return .invalid }
        let expected = tag(issued: Array(raw[0..<16]), ip: ip)
        // Constant time: the comparison reveals nothing about the right tag.
        var difference: UInt8 = 0
        for index in 0..<16 { difference |= expected[index] ^ raw[16 + index] }
        guard difference == 0 else { return .invalid }
        let issuedAt = raw[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        guard issuedAt <= now + 1000, now - issuedAt <= lifetimeMilliseconds else { return .expired(issuedAt: issuedAt) }
        return .valid(issuedAt: issuedAt)
    }

    /// A stand-in HA1 for a username that has no device, derived from the secret, so that an
    /// unknown user costs the same work as a known one and its answer cannot be told apart.
    public func decoyHA1(username: String, hexLength: Int) -> String {
        var message = Array("decoy-ha1:".utf8)
        message += Array(username.utf8)
        let mac = key.mac(message)
        // 64 hex digits from SHA-256; an MD5 HA1 has 32.
        return String(unsafeUninitializedCapacity: hexLength) { output in
            var index = 0
            for byte in mac where index < hexLength {
                output[index] = Self.hexDigits[Int(byte >> 4)]
                output[index + 1] = Self.hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `issued` is the issue time and the serial (16 bytes).
    private func tag(issued: [UInt8], ip: [UInt8]) -> [UInt8] {
        return Array(key.mac(issued + ip).prefix(16))
    }

    private static func bigEndianBytes<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
}

/// A process-wide counter, started at a random value so that two runs do not repeat.
final class NonceSerials: Sendable {
    private let counter: Atomic<UInt64>

    init() {
        counter = Atomic(UInt64.random(in: 0 ... .max))
    }

    func next() -> UInt64 {
        counter.wrappingAdd(1, ordering: .relaxed).newValue
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5): nonces travel inside
/// quoted strings, and these characters need no escaping anywhere.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for byte in chunk { value = value << 8 | UInt32(byte) }
            value <<= UInt32(8 * (3 - chunk.count))
            for position in 0...chunk.count {
                output.append(alphabet[Int((value >> UInt32(18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 != 1, input.count <= 96 else { return nil }
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value = values[Int(byte)]
            guard value >= 0 else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}
