import NIOCore

/// Writes a run of pieces whose total size is known into a ByteBuffer with one capacity
/// check and plain memory copies: a serialised message is some forty pieces, and
/// ByteBuffer's per-write bookkeeping would cost more than the copying.
struct DirectByteWriter {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var count = 0

    private init(base: UnsafeMutableRawPointer, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Lets `body` write at most `maximum` bytes at the end of `buffer`.
    static func write(into buffer: inout ByteBuffer, maximum: Int, _ body: (inout DirectByteWriter) -> Void) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: maximum) { raw in
            var writer = DirectByteWriter(base: raw.baseAddress!, capacity: maximum)
            body(&writer)
            return writer.count
        }
    }

    mutating func write(_ bytes: ByteBuffer) {
        bytes.withUnsafeReadableBytes { source in
            guard let address = source.baseAddress, source.count > 0 else { return }
            precondition(count + source.count <= capacity)
            (base + count).copyMemory(from: address, byteCount: source.count)
            count += source.count
        }
    }

    mutating func write(_ text: StaticString) {
        precondition(count + text.utf8CodeUnitCount <= capacity)
        (base + count).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    mutating func write(byte: UInt8) {
        precondition(count < capacity)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// A non-negative integer in decimal (at most 20 digits).
    mutating func write(decimal value: Int) {
        precondition(value >= 0)
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        precondition(count + digits <= capacity)
        var remaining = value
        for index in stride(from: count + digits - 1, through: count, by: -1) {
            base.storeBytes(of: UInt8(truncatingIfNeeded: remaining % 10) + ASCII.zero, toByteOffset: index, as: UInt8.self)
            remaining /= 10
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
