/// Why a MaxMind DB file cannot be opened or a value in it cannot be read.
///
/// A hostile or corrupted file must end in one of these, never in a crash or an endless walk,
/// so every bound the reader checks has its own case; offsets are absolute file offsets.
public enum MMDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all.
    case fileUnreadable(path: String, reason: String)
    /// The `\xAB\xCD\xEFMaxMind.com` marker is not within the last 128 KiB (spec "Database
    /// Metadata"): not a MaxMind DB, or cut short.
    case metadataMarkerNotFound
    /// A metadata key the spec requires is missing or has the wrong type.
    case invalidMetadata(key: String)
    /// `binary_format_major_version` is not 2, the only version this reader implements.
    case unsupportedFormatVersion(major: UInt16)
    /// `record_size` is not 24, 28 or 32 (spec "Search Tree Section").
    case unsupportedRecordSize(UInt16)
    /// `ip_version` is neither 4 nor 6.
    case unsupportedIPVersion(UInt16)
    /// `node_count` is zero, or the search tree it implies does not fit before the metadata.
    case badNodeCount(UInt32)
    /// The address bits ran out while the walk was still inside the tree: a record that should
    /// end the walk points at another node instead.
    case searchTreeUnterminated(node: Int)
    /// A search-tree record or data pointer points outside the data section.
    case pointerOutOfRange(offset: Int)
    /// A value runs past the end of its section.
    case truncatedData(offset: Int)
    /// A string is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// Maps, arrays and pointers nest deeper than the limit (also how pointer cycles end).
    case depthLimitExceeded(limit: Int)
    /// One decode produced more values than the limit: pointers that fan out to shared
    /// containers can otherwise describe an exponentially large value in a few bytes.
    case valueLimitExceeded(limit: Int)
    /// A control byte names a type the spec does not define, or one a reader never meets in
    /// place (the data cache container).
    case invalidDataType(code: Int, offset: Int)
    /// A value's size does not suit its type (a double that is not 8 bytes, a uint16 of 3).
    case invalidValueSize(type: String, size: Int, offset: Int)
    /// A map key is not a UTF-8 string.
    case invalidMapKey(offset: Int)
    /// An address given to a lookup is neither 4 (IPv4) nor 16 (IPv6) bytes.
    case addressLengthInvalid(Int)

    public var description: String {
        switch self {
        case .fileUnreadable(let path, let reason):
            return "cannot read MaxMind DB file \(path): \(reason)"
        case .metadataMarkerNotFound:
            return "MaxMind DB metadata marker not found in the last 128 KiB: not a .mmdb file or truncated"
        case .invalidMetadata(let key):
            return "MaxMind DB metadata key \(key) is missing or has the wrong type"
        case .unsupportedFormatVersion(let major):
            return "unsupported MaxMind DB binary format major version \(major) (only 2 is supported)"
        case .unsupportedRecordSize(let size):
            return "unsupported MaxMind DB record size \(size) (24, 28 or 32 bits)"
        case .unsupportedIPVersion(let version):
            return "unsupported MaxMind DB IP version \(version) (4 or 6)"
        case .badNodeCount(let count):
            return "MaxMind DB node count \(count) does not fit the file"
        case .searchTreeUnterminated(let node):
            return "MaxMind DB search tree does not end within the address bits (at node \(node))"
        case .pointerOutOfRange(let offset):
            return "MaxMind DB pointer to offset \(offset) is outside the data section"
        case .truncatedData(let offset):
            return "MaxMind DB value at offset \(offset) runs past the end of its section"
        case .invalidUTF8(let offset):
            return "MaxMind DB string at offset \(offset) is not valid UTF-8"
        case .depthLimitExceeded(let limit):
            return "MaxMind DB value nests deeper than \(limit) levels (or a pointer cycle)"
        case .valueLimitExceeded(let limit):
            return "MaxMind DB value expands to more than \(limit) values"
        case .invalidDataType(let code, let offset):
            return "MaxMind DB data type \(code) at offset \(offset) is not valid here"
        case .invalidValueSize(let type, let size, let offset):
            return "MaxMind DB \(type) at offset \(offset) has invalid size \(size)"
        case .invalidMapKey(let offset):
            return "MaxMind DB map key at offset \(offset) is not a string"
        case .addressLengthInvalid(let length):
            return "address of \(length) bytes given to a MaxMind DB lookup (4 or 16 expected)"
        }
    }
}
