/// Data masking (§7.8): the eight patterns of Table 10 and the penalty of §7.8.3.1 that
/// picks one.
extension QRMatrix {
    /// Table 10, with i the row and j the column: whether the pattern inverts the module.
    static func masks(_ mask: Int, row i: Int, column j: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// XORs the pattern onto the encoding region only (§7.8.1): function patterns and the
    /// areas of format and version information are left alone.
    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && Self.masks(mask, row: y, column: x) {
                modules[y * size + x].toggle()
            }
        }
    }

    /// The pattern with the lowest penalty, the lowest reference on a tie (§7.8.3.1). It is
    /// scored on the symbol as it stands before step 7 of §7.1: function patterns drawn,
    /// format and version information (and the dark module) still light. Encoders that
    /// score after writing the format information may pick another pattern for the same
    /// text; both are valid, since a reader takes the pattern from the format information.
    func bestMask() -> Int {
        var best = 0
        var bestPenalty = Int.max
        for mask in 0..<8 {
            var candidate = self
            candidate.apply(mask: mask)
            let penalty = candidate.penalty()
            if penalty < bestPenalty {
                best = mask
                bestPenalty = penalty
            }
        }
        return best
    }

    /// Table 11 (N1 = 3, N2 = 3, N3 = 40, N4 = 10) over the whole symbol.
    func penalty() -> Int {
        var score = 0
        var line = [Bool](repeating: false, count: size)
        for index in 0..<size {
            for k in 0..<size { line[k] = modules[index * size + k] }
            score += Self.linePenalty(line)
            for k in 0..<size { line[k] = modules[k * size + index] }
            score += Self.linePenalty(line)
        }
        // N2: every 2 × 2 block of one colour, overlapping blocks counted each (an m × n
        // block scores 3 × (m − 1) × (n − 1), which is the number of 2 × 2 blocks inside).
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let colour = modules[y * size + x]
                if modules[y * size + x + 1] == colour, modules[(y + 1) * size + x] == colour,
                    modules[(y + 1) * size + x + 1] == colour
                {
                    score += 3
                }
            }
        }
        // N4: 10 points for each full 5 % that the dark share deviates from 50 %:
        // k = ⌊|100 · dark / total − 50| / 5⌋ = ⌊|20 · dark − 10 · total| / total⌋.
        let total = size * size
        let dark = modules.count(where: { $0 })
        score += 10 * (abs(20 * dark - 10 * total) / total)
        return score
    }

    /// N1 and N3 along one row or column.
    static func linePenalty(_ line: [Bool]) -> Int {
        var score = 0
        // N1: a run of 5 + i modules of one colour scores 3 + i.
        var run = 1
        for index in 1..<line.count {
            if line[index] == line[index - 1] {
                run += 1
            } else {
                if run >= 5 { score += run - 2 }
                run = 1
            }
        }
        if run >= 5 { score += run - 2 }
        // N3: dark, light, dark × 3, light, dark (1:1:3:1:1, a finder's profile) with four
        // light modules before or after it. The quiet zone (§6.3.8) is light, so the symbol's
        // edge counts as light beyond it.
        guard line.count >= 7 else { return score }
        for start in 0...(line.count - 7) {
            guard line[start], !line[start + 1], line[start + 2], line[start + 3], line[start + 4],
                !line[start + 5], line[start + 6]
            else { continue }
            let before = line[max(0, start - 4)..<start]
            let after = line[(start + 7)..<min(line.count, start + 11)]
            if !before.contains(true) || !after.contains(true) { score += 40 }
        }
        return score
    }
}
