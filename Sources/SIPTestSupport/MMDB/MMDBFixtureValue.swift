/// A value to write into a test `.mmdb` file: one case per type of the MaxMind DB format
/// ("MaxMind DB File Format Specification 2.0", "Output Data Types").
///
/// For tests only. It mirrors `GeoIP.MMDBValue` case for case, but is its own type so that this
/// target need not depend on the reader it is used to test; a test compares what the reader
/// decodes with what was written by converting one into the other.
public indirect enum MMDBFixtureValue: Sendable, Equatable {
    /// Type 2, UTF-8 string.
    case string(String)
    /// Type 3, IEEE 754 binary64.
    case double(Double)
    /// Type 4, raw bytes.
    case bytes([UInt8])
    /// Type 5.
    case uint16(UInt16)
    /// Type 6.
    case uint32(UInt32)
    /// Type 7; written with its keys sorted.
    case map([String: MMDBFixtureValue])
    /// Type 8.
    case int32(Int32)
    /// Type 9.
    case uint64(UInt64)
    /// Type 10, as its high and low 64 bits.
    case uint128(high: UInt64, low: UInt64)
    /// Type 11.
    case array([MMDBFixtureValue])
    /// Type 13, the end marker.
    case endMarker
    /// Type 14.
    case boolean(Bool)
    /// Type 15, IEEE 754 binary32.
    case float(Float)

    /// This map with `key` set to `value` (removed when nil): for bending metadata.
    public func setting(_ key: String, to value: MMDBFixtureValue?) -> MMDBFixtureValue {
        guard case .map(var entries) = self else { preconditionFailure("not a map") }
        entries[key] = value
        return .map(entries)
    }
}
