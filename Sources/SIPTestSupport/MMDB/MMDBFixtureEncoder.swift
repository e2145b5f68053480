/// Encodes values into a MaxMind DB data section, the test-side mirror of the reader's
/// decoder (spec "Data Field Format"). Maps are written with sorted keys so output is
/// deterministic. With `sharesValues`, a string or container already written is replaced by a
/// pointer to its first copy, as real writers do for repeated keys and records.
///
/// For tests only (see `MMDBFixtureWriter`); the static helpers also serve tests that craft
/// data sections byte by byte.
public struct MMDBFixtureEncoder {
    /// The data section so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether repeated strings and containers are written once and pointed to after that.
    public let sharesValues: Bool
    private var written: [[UInt8]: Int] = [:]

    /// `padding` bytes of filler come first (as one unreferenced `bytes` field), pushing every
    /// offset past it so pointers need their longer encodings.
    public init(sharesValues: Bool = true, padding: Int = 0) {
        self.sharesValues = sharesValues
        if padding > 0 {
            bytes = Self.header(type: 4, size: padding) + Array(repeating: 0x5A, count: padding)
        }
    }

    /// The data-section offset of `value`, writing it first if it is not there yet.
    public mutating func offset(of value: MMDBFixtureValue) -> Int {
        let key = Self.plain(value)
        if let offset = written[key] { return offset }
        let offset = bytes.count
        appendInline(value)
        return offset
    }

    /// Appends `value`, or a pointer to an earlier copy of it.
    public mutating func appendInline(_ value: MMDBFixtureValue) {
        let key = Self.plain(value)
        if sharesValues, Self.isShareable(value), let earlier = written[key] {
            let pointer = Self.pointer(to: earlier)
            if pointer.count < key.count {
                bytes += pointer
                return
            }
        }
        let start = bytes.count
        switch value {
        case .map(let entries):
            bytes += Self.header(type: 7, size: entries.count)
            for key in entries.keys.sorted() {
                appendInline(.string(key))
                appendInline(entries[key]!)
            }
        case .array(let elements):
            bytes += Self.header(type: 11, size: elements.count)
            for element in elements { appendInline(element) }
        default:
            bytes += key
        }
        if written[key] == nil { written[key] = start }
    }

    private static func isShareable(_ value: MMDBFixtureValue) -> Bool {
        switch value {
        case .string, .map, .array, .bytes: return true
        default: return false
        }
    }

    /// The encoding of `value` with no pointers.
    public static func plain(_ value: MMDBFixtureValue) -> [UInt8] {
        switch value {
        case .string(let text):
            let utf8 = Array(text.utf8)
            return header(type: 2, size: utf8.count) + utf8
        case .double(let number):
            return header(type: 3, size: 8) + bigEndian(number.bitPattern, count: 8)
        case .bytes(let raw):
            return header(type: 4, size: raw.count) + raw
        case .uint16(let number):
            return unsigned(type: 5, UInt64(number))
        case .uint32(let number):
            return unsigned(type: 6, UInt64(number))
        case .map(let entries):
            return header(type: 7, size: entries.count)
                + entries.keys.sorted().flatMap { plain(.string($0)) + plain(entries[$0]!) }
        case .int32(let number):
            // Spec "int32 - 8": a short encoding is always positive, so negatives take four.
            return number < 0
                ? header(type: 8, size: 4) + bigEndian(UInt64(UInt32(bitPattern: number)), count: 4)
                : unsigned(type: 8, UInt64(number))
        case .uint64(let number):
            return unsigned(type: 9, number)
        case .uint128(let high, let low):
            if high == 0 { return unsigned(type: 10, low) }
            let highBytes = minimalBigEndian(high)
            return header(type: 10, size: highBytes.count + 8) + highBytes + bigEndian(low, count: 8)
        case .array(let elements):
            return header(type: 11, size: elements.count) + elements.flatMap { plain($0) }
        case .endMarker:
            return header(type: 13, size: 0)
        case .boolean(let flag):
            return header(type: 14, size: flag ? 1 : 0)
        case .float(let number):
            return header(type: 15, size: 4) + bigEndian(UInt64(number.bitPattern), count: 4)
        }
    }

    /// Control byte, extended type byte and size bytes (spec "Data Field Format").
    public static func header(type: Int, size: Int) -> [UInt8] {
        let sizeBits: Int
        let sizeBytes: [UInt8]
        switch size {
        case ..<29:
            (sizeBits, sizeBytes) = (size, [])
        case ..<285:
            (sizeBits, sizeBytes) = (29, bigEndian(UInt64(size - 29), count: 1))
        case ..<65_821:
            (sizeBits, sizeBytes) = (30, bigEndian(UInt64(size - 285), count: 2))
        default:
            (sizeBits, sizeBytes) = (31, bigEndian(UInt64(size - 65_821), count: 3))
        }
        if type <= 7 {
            return [UInt8(type << 5 | sizeBits)] + sizeBytes
        }
        return [UInt8(sizeBits), UInt8(type - 7)] + sizeBytes
    }

    /// The shortest pointer to data-section offset `offset` (spec "Pointer - 1").
    public static func pointer(to offset: Int) -> [UInt8] {
        switch offset {
        case ..<2_048:
            return [UInt8(0x20 | offset >> 8), UInt8(offset & 0xFF)]
        case ..<526_336:
            let value = offset - 2_048
            return [UInt8(0x28 | value >> 16)] + bigEndian(UInt64(value), count: 2)
        case ..<134_744_064:
            let value = offset - 526_336
            return [UInt8(0x30 | value >> 24)] + bigEndian(UInt64(value), count: 3)
        default:
            return [0x38] + bigEndian(UInt64(offset), count: 4)
        }
    }

    /// The low `count` bytes of `value`, most significant first.
    public static func bigEndian(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    private static func minimalBigEndian(_ value: UInt64) -> [UInt8] {
        let count = (64 - value.leadingZeroBitCount + 7) / 8
        return bigEndian(value, count: count)
    }

    /// Spec "Integer Formats": leading zero bytes are dropped.
    private static func unsigned(type: Int, _ value: UInt64) -> [UInt8] {
        let payload = minimalBigEndian(value)
        return header(type: type, size: payload.count) + payload
    }
}
