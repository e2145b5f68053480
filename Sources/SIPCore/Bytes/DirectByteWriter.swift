import NIOCore

/// Writes a run of pieces into a ByteBuffer with one capacity check and plain memory copies:
/// a serialised message is some forty pieces, and ByteBuffer's per-write bookkeeping would
/// cost more than the copying.
///
/// The pieces are written by a closure that runs twice, first only counting, then copying, so
/// the room reserved is exactly what the same closure writes (a precondition stops a writer
/// that would run past it, rather than let it write out of bounds).
struct DirectByteWriter {
    /// Nil while counting.
    private let base: UnsafeMutableRawPointer?
    private let capacity: Int
    private(set) var count = 0

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
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var writer = DirectByteWriter(base: raw.baseAddress!, capacity: size)
            body(&writer)
            return writer.count
        }
    }

    mutating func write(_ bytes: ByteBuffer) {
        let length = bytes.readableBytes
        guard length > 0 else { return }
        if let base {
            precondition(count + length <= capacity)
            bytes.withUnsafeReadableBytes { source in
                (base + count).copyMemory(from: source.baseAddress!, byteCount: length)
            }
        }
        count += length
    }

    mutating func write(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        if let base {
            precondition(count + length <= capacity)
            (base + count).copyMemory(from: text.utf8Start, byteCount: length)
        }
        count += length
    }

    mutating func write(byte: UInt8) {
        if let base {
            precondition(count < capacity)
            base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        }
        count += 1
    }

    /// A non-negative integer in decimal.
    mutating func write(decimal value: Int) {
        precondition(value >= 0)
        let digits = Self.decimalLength(value)
        if let base {
            precondition(count + digits <= capacity)
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
