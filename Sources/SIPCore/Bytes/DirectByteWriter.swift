import NIOCore

/// Writes a run of pieces into a ByteBuffer with one capacity check and plain memory copies:
/// a serialised message is some forty pieces, and ByteBuffer's per-write bookkeeping would
/// cost more than the copying.
///
/// Either the closure runs twice, first only counting, then copying, so the room reserved is
/// exactly what it writes; or the caller gives a bound, and a write that would pass it is
/// dropped and reported (nothing is ever written out of bounds, and nothing traps).
struct DirectByteWriter {
    /// Nil while counting.
    private let base: UnsafeMutableRawPointer?
    private let capacity: Int
    private(set) var count = 0
    /// A write did not fit within the bound.
    private(set) var overflowed = false

    private init(base: UnsafeMutableRawPointer?, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Appends what `body` writes to `buffer`.
    static func write(into buffer: inout ByteBuffer, _ body: (inout DirectByteWriter) -> Void) {
        var counter = DirectByteWriter(base: nil, capacity: .max)
        body(&counter)
        let size = counter.count
        guard size > 0 else { return }
        let complete = write(into: &buffer, maximum: size, body)
        assert(complete, "the same writer wrote more than it counted")
    }

    /// Appends what `body` writes to `buffer` if it fits in `maximum` bytes and returns true;
    /// otherwise leaves `buffer` as it was and returns false.
    @discardableResult
    static func write(into buffer: inout ByteBuffer, maximum: Int, _ body: (inout DirectByteWriter) -> Void) -> Bool {
        guard maximum > 0 else { return false }
        var complete = true
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: maximum) { raw in
            var writer = DirectByteWriter(base: raw.baseAddress!, capacity: maximum)
            body(&writer)
            complete = !writer.overflowed
            return complete ? writer.count : 0
        }
        return complete
    }

    /// Whether `length` more bytes fit; notes the overflow when they do not.
    private mutating func fits(_ length: Int) -> Bool {
        guard !overflowed, count + length <= capacity else {
            overflowed = true
            return false
        }
        return true
    }

    mutating func write(_ bytes: ByteBuffer) {
        let length = bytes.readableBytes
        guard length > 0 else { return }
        if let base {
            guard fits(length) else { return }
            bytes.withUnsafeReadableBytes { source in
                (base + count).copyMemory(from: source.baseAddress!, byteCount: length)
            }
        }
        count += length
    }

    mutating func write(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        if let base {
            guard fits(length) else { return }
            (base + count).copyMemory(from: text.utf8Start, byteCount: length)
        }
        count += length
    }

    mutating func write(byte: UInt8) {
        if let base {
            guard fits(1) else { return }
            base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        }
        count += 1
    }

    /// A non-negative integer in decimal.
    mutating func write(decimal value: Int) {
        precondition(value >= 0)
        let digits = Self.decimalLength(value)
        if let base {
            guard fits(digits) else { return }
            var remaining = value
            for index in stride(from: count + digits - 1, through: count, by: -1) {
                base.storeBytes(of: UInt8(truncatingIfNeeded: remaining % 10) + ASCII.zero, toByteOffset: index, as: UInt8.self)
                remaining /= 10
            }
        }
        count += digits
    }

    /// The decimal digits of a non-negative integer (for sizing).
    static func decimalLength(_ value: Int) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits
    }
}
