/// A decoded value from a MaxMind DB data section (spec "Output Data Section", "Data Field
/// Format").
///
/// Pointers (type 1) are resolved while decoding and never appear here; the data cache
/// container (type 12) only holds data reached through pointers, so meeting one in place is an
/// error rather than a value.
public indirect enum MMDBValue: Sendable, Equatable {
    /// Type 2, UTF-8 string.
    case string(String)
    /// Type 3, IEEE 754 binary64, big-endian.
    case double(Double)
    /// Type 4, raw bytes.
    case bytes([UInt8])
    /// Type 5.
    case uint16(UInt16)
    /// Type 6.
    case uint32(UInt32)
    /// Type 7; keys are always strings.
    case map([String: MMDBValue])
    /// Type 8, two's complement, big-endian.
    case int32(Int32)
    /// Type 9.
    case uint64(UInt64)
    /// Type 10, split into its high and low 64 bits.
    case uint128(high: UInt64, low: UInt64)
    /// Type 11.
    case array([MMDBValue])
    /// Type 13, the end marker.
    case endMarker
    /// Type 14.
    case boolean(Bool)
    /// Type 15, IEEE 754 binary32, big-endian.
    case float(Float)

    /// The value under `key` when this is a map.
    public subscript(key: String) -> MMDBValue? {
        guard case .map(let entries) = self else { return nil }
        return entries[key]
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> MMDBValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var string: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    public var map: [String: MMDBValue]? {
        guard case .map(let value) = self else { return nil }
        return value
    }

    public var array: [MMDBValue]? {
        guard case .array(let value) = self else { return nil }
        return value
    }

    public var bool: Bool? {
        guard case .boolean(let value) = self else { return nil }
        return value
    }

    /// Any of the floating-point types, widened to `Double`.
    public var double: Double? {
        switch self {
        case .double(let value): return value
        case .float(let value): return Double(value)
        default: return nil
        }
    }

    /// Any integer type whose value fits a `UInt64` (writers pick the integer type freely, so
    /// `geoname_id` may be a uint32 in one database and a uint64 in another).
    public var unsignedInteger: UInt64? {
        switch self {
        case .uint16(let value): return UInt64(value)
        case .uint32(let value): return UInt64(value)
        case .uint64(let value): return value
        case .int32(let value): return value >= 0 ? UInt64(value) : nil
        case .uint128(let high, let low): return high == 0 ? low : nil
        default: return nil
        }
    }
}
