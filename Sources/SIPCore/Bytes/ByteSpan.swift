import NIOCore

/// Where a part of a parsed value lies in the message bytes, in 8 bytes rather than the 16 of
/// a `Range<Int>`: typed header values hold many of them and are copied into caches and
/// arrays, so their size is paid on every copy. Messages are bounded well below 4 GiB.
struct ByteSpan: Sendable, Hashable {
    let lower: UInt32
    let upper: UInt32

    @inline(__always)
    init(_ range: Range<Int>) {
        lower = UInt32(truncatingIfNeeded: range.lowerBound)
        upper = UInt32(truncatingIfNeeded: range.upperBound)
    }

    @inline(__always)
    var range: Range<Int> { Int(lower)..<Int(upper) }

    var isEmpty: Bool { lower == upper }

    var count: Int { Int(upper - lower) }
}

extension ByteBuffer {
    @inline(__always)
    func sipString(_ span: ByteSpan) -> SIPString { sipString(span.range) }
}
