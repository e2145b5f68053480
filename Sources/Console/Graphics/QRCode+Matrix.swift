/// The module grid while a symbol is built: function patterns (§6.3), codeword placement
/// (§7.7), format and version information (§7.9, §7.10). Row by row, `true` for dark.
struct QRMatrix {
    let version: Int
    let size: Int
    var modules: [Bool]
    /// Modules that are not part of the encoding region: never written with codewords,
    /// never masked.
    var isFunction: [Bool]

    init(version: Int) {
        self.version = version
        size = 17 + 4 * version
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
    }

    private mutating func setFunction(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    // MARK: Function patterns

    /// Timing, finder, separator and alignment patterns, and the areas of format and
    /// version information reserved, light: §7.1 fills those in only after the data mask
    /// is chosen (step 7 follows step 6), so the evaluation of §7.8.3 sees them light.
    mutating func drawFunctionPatterns() {
        // §6.3.5: row 6 and column 6 alternate, dark on even positions; the finder
        // patterns drawn next overwrite the ends.
        for index in 0..<size {
            setFunction(x: 6, y: index, dark: index % 2 == 0)
            setFunction(x: index, y: 6, dark: index % 2 == 0)
        }
        drawFinder(centerX: 3, centerY: 3)
        drawFinder(centerX: size - 4, centerY: 3)
        drawFinder(centerX: 3, centerY: size - 4)

        // §6.3.6: an alignment pattern at every pair of the positions of Annex E, except
        // the three pairs that fall on finder patterns.
        let positions = Self.alignmentPositions(version: version)
        for x in positions {
            for y in positions {
                let onFinder = (x == 6 && y == 6) || (x == 6 && y == positions.last) || (x == positions.last && y == 6)
                if !onFinder { drawAlignment(centerX: x, centerY: y) }
            }
        }

        // §7.9.1, Figure 25: 15 modules around the top-left finder, 8 beside the top-right
        // one, 7 beside the bottom-left one, and the module at (8, 4V + 9) that is always
        // dark (set light here with the rest, drawn with the format information).
        for index in 0...8 where index != 6 {
            setFunction(x: 8, y: index, dark: false)
            setFunction(x: index, y: 8, dark: false)
        }
        for index in 0..<8 {
            setFunction(x: size - 1 - index, y: 8, dark: false)
            setFunction(x: 8, y: size - 1 - index, dark: false)
        }
        // §7.10, Figure 27: two 6 × 3 blocks from version 7.
        if version >= 7 {
            for long in 0..<6 {
                for short in 0..<3 {
                    setFunction(x: size - 11 + short, y: long, dark: false)
                    setFunction(x: long, y: size - 11 + short, dark: false)
                }
            }
        }
    }

    /// §6.3.3 and §6.3.4: a 7 × 7 finder (dark ring, light ring, dark 3 × 3 centre) and its
    /// one-module light separator, clipped at the symbol's edges.
    private mutating func drawFinder(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx
                let y = centerY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    /// §6.3.6: 5 × 5 dark ring, light ring, dark centre module.
    private mutating func drawAlignment(centerX: Int, centerY: Int) {
        for dy in -2...2 {
            for dx in -2...2 {
                setFunction(x: centerX + dx, y: centerY + dy, dark: max(abs(dx), abs(dy)) != 1)
            }
        }
    }

    /// Annex E, Table E.1: row and column coordinates of the alignment pattern centres.
    static func alignmentPositions(version: Int) -> [Int] {
        alignmentTable[version - 1]
    }

    private static let alignmentTable: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82],
        [6, 30, 58, 86], [6, 34, 62, 90],
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106],
        [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130],
        [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142],
        [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158],
        [6, 32, 58, 84, 110, 136, 162], [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    // MARK: Codeword placement

    /// §7.7.3: the codewords as one bit stream, most significant bit first, in two-module
    /// columns from the right edge, upwards then downwards in turn, right module before
    /// left, skipping function modules and the vertical timing pattern's column altogether.
    /// The remainder bits that do not fill a codeword stay light (0).
    mutating func place(codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var bit = 0
        var right = size - 1
        var upwards = true
        while right >= 1 {
            if right == 6 { right = 5 }
            for step in 0..<size {
                let y = upwards ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y * size + x] && bit < bitCount {
                    modules[y * size + x] = (codewords[bit / 8] >> UInt8(7 - bit % 8)) & 1 == 1
                    bit += 1
                }
            }
            right -= 2
            upwards.toggle()
        }
    }

    // MARK: Format and version information

    /// §7.9.1 and Annex C: the level's two bits (L 01, M 00, Q 11, H 10) and the mask's
    /// three, a BCH(15, 5) code with generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1 (0x537),
    /// XORed with 101010000010010 so that it is never all light; written twice.
    mutating func drawFormatInformation(level: QRCode.ErrorCorrection, mask: Int) {
        let levelBits: Int = switch level {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
        let data = levelBits << 3 | mask
        let bits = (data << 10 | Self.bchRemainder(data, generator: 0x537, degree: 10)) ^ 0b101_0100_0001_0010
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }

        // Around the top-left finder: bits 0–5 down column 8, 6 and 7 past the timing row,
        // 8 left of the corner, 9–14 along row 8 towards the left edge.
        for index in 0..<6 { setFunction(x: 8, y: index, dark: bit(index)) }
        setFunction(x: 8, y: 7, dark: bit(6))
        setFunction(x: 8, y: 8, dark: bit(7))
        setFunction(x: 7, y: 8, dark: bit(8))
        for index in 9..<15 { setFunction(x: 14 - index, y: 8, dark: bit(index)) }
        // The copy: bits 0–7 along row 8 from the right edge, 8–14 down column 8 to the
        // bottom edge, below the dark module.
        for index in 0..<8 { setFunction(x: size - 1 - index, y: 8, dark: bit(index)) }
        for index in 8..<15 { setFunction(x: 8, y: size - 15 + index, dark: bit(index)) }
        setFunction(x: 8, y: size - 8, dark: true)
    }

    /// §7.10 and Annex D: from version 7, the version number's six bits and a BCH(18, 6)
    /// code with generator x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1 (0x1F25), least
    /// significant bit first in each of the two blocks (Figure 27), one the transpose of
    /// the other.
    mutating func drawVersionInformation() {
        guard version >= 7 else { return }
        let bits = version << 12 | Self.bchRemainder(version, generator: 0x1F25, degree: 12)
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            // Above the bottom-left finder: 6 columns of 3; left of the top-right one: 6 rows of 3.
            setFunction(x: index / 3, y: size - 11 + index % 3, dark: dark)
            setFunction(x: size - 11 + index % 3, y: index / 3, dark: dark)
        }
    }

    /// The remainder of data · x^degree divided by the generator polynomial over GF(2).
    static func bchRemainder(_ data: Int, generator: Int, degree: Int) -> Int {
        var value = data << degree
        var top = value.bitWidth - value.leadingZeroBitCount - 1
        while top >= degree {
            if (value >> top) & 1 == 1 { value ^= generator << (top - degree) }
            top -= 1
        }
        return value
    }
}

extension QRCode {
    typealias Matrix = QRMatrix
}
