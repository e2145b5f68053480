import Crypto

/// The digest algorithms SIP uses (RFC 3261 §22.4 with RFC 7616 §3.2 and RFC 8760 §2).
/// SHA-512-256 is not offered: no audited implementation of it is available to this build.
public enum DigestAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case md5 = "MD5"
    case md5Session = "MD5-sess"
    case sha256 = "SHA-256"
    case sha256Session = "SHA-256-sess"

    /// Reads the algorithm parameter (case-insensitive); nil for an unknown one. A missing
    /// parameter means MD5 (RFC 7616 §3.3).
    public init?(token: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == token.lowercased() }) else {
            return nil
        }
        self = match
    }

    /// The `-sess` variants hash the client nonce into HA1 (RFC 7616 §3.4.2).
    public var isSession: Bool { self == .md5Session || self == .sha256Session }

    /// Hex digits in a hash of this algorithm (32 for MD5, 64 for SHA-256).
    public var hexLength: Int { self == .md5 || self == .md5Session ? 32 : 64 }

    public var description: String { rawValue }

    /// H(data), lower-case hex (RFC 7616 §3.4.1).
    public func hash(_ data: some Sequence<UInt8>) -> String {
        let bytes = Array(data)
        switch self {
        case .md5, .md5Session:
            return Self.hex(Insecure.MD5.hash(data: bytes))
        case .sha256, .sha256Session:
            return Self.hex(SHA256.hash(data: bytes))
        }
    }

    public func hash(_ text: String) -> String { hash(Array(text.utf8)) }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        for byte in digest {
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// The quality of protection of a digest response (RFC 7616 §3.4.3).
public enum DigestQOP: String, Sendable, Hashable {
    case auth
    /// Integrity of the body too.
    case authInt = "auth-int"
}
