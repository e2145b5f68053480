/// A QR Code symbol (ISO/IEC 18004:2015) holding one text in byte mode, for the links an
/// authenticator app scans (TOTP enrolment, `otpauth://totp/...`).
///
/// Model 2 symbols only, versions 1 to 40, the smallest version that holds the text at the
/// chosen error correction level; the data mask is the one with the lowest penalty
/// (§7.8.3). The text is written as its UTF-8 bytes without an ECI header: §7.4.5 makes
/// ISO/IEC 8859-1 the default interpretation of byte mode, but readers take valid UTF-8 as
/// UTF-8 in practice, while not all of them understand an ECI designator (§7.4.2);
/// enrolment links are ASCII anyway (RFC 3986 percent-encodes everything else).
public struct QRCode: Sendable {
    /// The four levels of §7.5.1, recovering about 7 %, 15 %, 25 % and 30 % of the codewords.
    public enum ErrorCorrection: Sendable {
        case low, medium, quartile, high
    }

    public enum EncodingError: Error, Sendable, Equatable {
        /// More UTF-8 bytes than a version 40 symbol holds at the level asked for (2953 at
        /// `low`, 2331 at `medium`, 1663 at `quartile`, 1273 at `high`; Table 7).
        case tooLong(bytes: Int)
    }

    public let version: Int
    /// Modules per side, 17 + 4 × version (Table 1), without the quiet zone.
    public let size: Int
    /// The data mask pattern reference, 0 to 7 (Table 10), as written in the format information.
    let mask: Int
    let errorCorrection: ErrorCorrection
    /// Row by row, `true` for dark.
    private let modules: [Bool]

    public init(text: String, errorCorrection: ErrorCorrection = .medium) throws(EncodingError) {
        try self.init(text: text, errorCorrection: errorCorrection, mask: nil)
    }

    /// `mask` forces a data mask pattern instead of evaluating the eight (§7.8.3), so that a
    /// symbol can be compared with another encoder's module for module.
    init(text: String, errorCorrection: ErrorCorrection, mask forcedMask: Int?) throws(EncodingError) {
        let bytes = Array(text.utf8)
        guard let version = Self.smallestVersion(bytes: bytes.count, level: errorCorrection) else {
            throw .tooLong(bytes: bytes.count)
        }
        let structure = BlockStructure(version: version, level: errorCorrection)
        let data = Self.dataCodewords(bytes, version: version, capacity: structure.dataCodewords)
        let codewords = structure.interleaved(data: data)

        var matrix = Matrix(version: version)
        matrix.drawFunctionPatterns()
        matrix.place(codewords: codewords)
        let mask = forcedMask ?? matrix.bestMask()
        matrix.apply(mask: mask)
        matrix.drawFormatInformation(level: errorCorrection, mask: mask)
        matrix.drawVersionInformation()

        self.version = version
        self.size = matrix.size
        self.mask = mask
        self.errorCorrection = errorCorrection
        self.modules = matrix.modules
    }

    /// Whether the module in column `x`, row `y` (0-based from the top left) is dark; the
    /// quiet zone around the symbol (§6.3.8) is light, so positions outside are light too.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    // MARK: Data encoding (§7.4)

    /// Bits of the character count indicator in byte mode (Table 3).
    static func countBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }

    static func smallestVersion(bytes: Int, level: ErrorCorrection) -> Int? {
        (1...40).first { version in
            // Mode indicator (4 bits, Table 2), character count, 8 bits per byte.
            let needed = 4 + countBits(version: version) + 8 * bytes
            return bytes < 1 << countBits(version: version)
                && needed <= BlockStructure(version: version, level: level).dataCodewords * 8
        }
    }

    /// The data bit stream of §7.4 cut into codewords: the byte mode segment, the
    /// terminator (§7.4.9), zero bits to the next codeword boundary and the alternating pad
    /// codewords 11101100 and 00010001 up to the capacity (§7.4.10).
    static func dataCodewords(_ bytes: [UInt8], version: Int, capacity: Int) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)  // byte mode, Table 2
        bits.append(bytes.count, count: countBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacity * 8 - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0b1110_1100
        while codewords.count < capacity {
            codewords.append(pad)
            pad = pad == 0b1110_1100 ? 0b0001_0001 : 0b1110_1100
        }
        return codewords
    }
}

/// Bits written most significant first, as every field of §7.4 is.
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count length: Int) {
        for shift in stride(from: length - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[count / 8] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}
