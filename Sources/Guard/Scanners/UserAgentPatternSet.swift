/// A fixed set of patterns searched for as case-insensitive substrings of a header value,
/// over the value's bytes.
///
/// This runs on every request from a source that is not trusted, so the search allocates
/// nothing: the patterns are ASCII-lowercased once here, the value is read in place, and a
/// 256-bit set of the patterns' first bytes lets most positions be skipped with one test.
/// Only ASCII letters fold (as RFC 3261 §7.3.1 folds tokens); other bytes compare exactly.
/// The cost is bounded by the value's length (itself bounded by
/// `ParserLimits.maxHeaderLength`) times the patterns' total length.
struct UserAgentPatternSet: Sendable {
    /// The patterns as configured (for the match's detail), without empty ones.
    let patterns: [String]
    private let lowered: [[UInt8]]
    private let firstBytes: ByteSet

    init(_ patterns: [String]) {
        // An empty pattern would match every value.
        let kept = patterns.filter { !$0.isEmpty }
        self.patterns = kept
        self.lowered = kept.map { $0.utf8.map(Self.lowercase) }
        var firstBytes = ByteSet()
        for pattern in lowered { firstBytes.insert(pattern[0]) }
        self.firstBytes = firstBytes
    }

    var isEmpty: Bool { lowered.isEmpty }

    /// The index in `patterns` of the first pattern found in `value` (earliest position first).
    func firstMatch(in value: UnsafeRawBufferPointer) -> Int? {
        let count = value.count
        var start = 0
        while start < count {
            let first = Self.lowercase(value[start])
            if firstBytes.contains(first) {
                for (index, pattern) in lowered.enumerated()
                where pattern[0] == first && pattern.count <= count - start {
                    var offset = 1
                    while offset < pattern.count, Self.lowercase(value[start + offset]) == pattern[offset] {
                        offset += 1
                    }
                    if offset == pattern.count { return index }
                }
            }
            start += 1
        }
        return nil
    }

    @inline(__always)
    static func lowercase(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}

/// A set of byte values as four 64-bit words: no allocation, one shift and mask per test.
struct ByteSet: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }
}
