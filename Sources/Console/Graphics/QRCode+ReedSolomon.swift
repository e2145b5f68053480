/// How a version and level split the codewords into Reed-Solomon blocks (§7.5.1, Table 9),
/// and the final interleaved sequence of §7.6.
struct QRBlockStructure {
    let blocks: Int
    let eccPerBlock: Int
    /// Every codeword of the symbol, data and error correction (Table 1).
    let totalCodewords: Int

    var dataCodewords: Int { totalCodewords - blocks * eccPerBlock }

    init(version: Int, level: QRCode.ErrorCorrection) {
        let row = Self.row(level)
        blocks = Self.blockCounts[row][version - 1]
        eccPerBlock = Self.eccCodewordsPerBlock[row][version - 1]
        totalCodewords = Self.dataModules(version: version) / 8
    }

    /// Modules of the encoding region (Table 1, "data modules except (C)"): the whole symbol
    /// less the finder patterns with their separators (3 × 64), the format information with
    /// the dark module (31), the timing patterns between the separators, the alignment
    /// patterns and, from version 7, the two blocks of version information. Codewords are
    /// this divided by 8; the 0 to 7 modules left over are the remainder bits of §7.7.3.
    static func dataModules(version: Int) -> Int {
        let size = 17 + 4 * version
        var modules = size * size - 3 * 64 - 2 * 15 - 1 - 2 * (size - 16)
        if version >= 2 {
            let count = version / 7 + 2
            // count² positions less the three under finder patterns; those on the timing
            // lines share 5 modules each with them (2 × (count − 2) of them).
            modules -= 25 * (count * count - 3) - 10 * (count - 2)
        }
        if version >= 7 { modules -= 2 * 18 }
        return modules
    }

    /// The data codewords split into blocks, each followed by its error correction
    /// codewords, and both interleaved column by column (§7.6): the first codeword of every
    /// block, then the second, and so on; when the blocks differ in length the shorter ones
    /// come first (Table 9, "(c, k, r)" rows), so their missing last data codeword is skipped.
    func interleaved(data: [UInt8]) -> [UInt8] {
        let shortBlocks = blocks - totalCodewords % blocks
        let shortDataLength = totalCodewords / blocks - eccPerBlock
        let generator = ReedSolomon.generator(degree: eccPerBlock)
        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<blocks {
            let length = shortDataLength + (index < shortBlocks ? 0 : 1)
            let block = data[start..<start + length]
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(of: block, generator: generator))
            start += length
        }
        var out: [UInt8] = []
        out.reserveCapacity(totalCodewords)
        for column in 0...shortDataLength {
            for block in dataBlocks where column < block.count {
                out.append(block[block.startIndex + column])
            }
        }
        for column in 0..<eccPerBlock {
            for block in eccBlocks { out.append(block[column]) }
        }
        return out
    }

    private static func row(_ level: QRCode.ErrorCorrection) -> Int {
        switch level {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }

    /// Table 9: error correction codewords per block, by level (L, M, Q, H) and version 1 to 40.
    private static let eccCodewordsPerBlock: [[Int]] = [
        [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Table 9: number of error correction blocks (both kinds), by level and version.
    private static let blockCounts: [[Int]] = [
        [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]
}

extension QRCode {
    typealias BlockStructure = QRBlockStructure
}

/// Reed-Solomon error correction over GF(2⁸) as §7.5.2 defines it: the field built on the
/// primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), generator polynomials
/// g(x) = (x − α⁰)(x − α¹)…(x − αⁿ⁻¹) (Annex A), the error correction codewords being the
/// remainder of the data polynomial times xⁿ divided by g(x).
enum ReedSolomon {
    /// αⁱ for i in 0..<255, twice over so that a sum of two logarithms needs no reduction.
    static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            table[index + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// log_α(x) for x in 1...255 (index 0 unused).
    static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for index in 0..<255 { table[Int(exponents[index])] = index }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }

    /// The coefficients of g(x) of degree `degree` from x^(degree−1) down to x⁰; the leading
    /// coefficient, always 1, is left out. Subtraction is addition (XOR) in GF(2⁸).
    static func generator(degree: Int) -> [UInt8] {
        // Coefficients from the highest power down, leading 1 included while building.
        var polynomial: [UInt8] = [1]
        for power in 0..<degree {
            let root = exponents[power]
            var next = polynomial + [0]
            for (index, coefficient) in polynomial.enumerated() {
                next[index + 1] ^= multiply(coefficient, root)
            }
            polynomial = next
        }
        return Array(polynomial.dropFirst())
    }

    /// The remainder of data(x) · xⁿ divided by g(x), by long division one codeword at a time.
    static func remainder(of data: ArraySlice<UInt8>, generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for codeword in data {
            let factor = codeword ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in generator.indices {
                remainder[index] ^= multiply(generator[index], factor)
            }
        }
        return remainder
    }
}
