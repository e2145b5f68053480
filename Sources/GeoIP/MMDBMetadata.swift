/// The database's description of itself (spec "Database Metadata"), a map stored after the
/// `\xAB\xCD\xEFMaxMind.com` marker at the end of the file.
public struct MMDBMetadata: Sendable, Equatable {
    /// e.g. "GeoLite2-Country", "DBIP-Country-Lite".
    public let databaseType: String
    /// 4: IPv4 addresses only; 6: IPv6, with IPv4 at ::/96.
    public let ipVersion: UInt16
    /// Bits per search-tree record: 24, 28 or 32.
    public let recordSize: UInt16
    /// Nodes in the search tree.
    public let nodeCount: UInt32
    /// When the database was built, in seconds since the Unix epoch.
    public let buildEpoch: UInt64
    /// Locale codes the records may carry names in (optional in the spec; empty when absent).
    public let languages: [String]
    /// Descriptions by language code (optional in the spec; empty when absent).
    public let description: [String: String]
    public let binaryFormatMajorVersion: UInt16
    public let binaryFormatMinorVersion: UInt16

    /// Reads the fields from the decoded metadata map. The spec requires every key but
    /// `languages` and `description`; integer keys are accepted in any unsigned type that
    /// holds their value, since writers differ.
    init(_ map: MMDBValue) throws(MMDBError) {
        guard case .map = map else { throw .invalidMetadata(key: "(metadata map)") }
        nodeCount = try Self.integer(map, "node_count", max: UInt32.max)
        recordSize = try Self.integer(map, "record_size", max: UInt16.max)
        ipVersion = try Self.integer(map, "ip_version", max: UInt16.max)
        buildEpoch = try Self.integer(map, "build_epoch", max: UInt64.max)
        binaryFormatMajorVersion = try Self.integer(map, "binary_format_major_version", max: UInt16.max)
        binaryFormatMinorVersion = try Self.integer(map, "binary_format_minor_version", max: UInt16.max)
        guard let type = map["database_type"]?.string else { throw .invalidMetadata(key: "database_type") }
        databaseType = type
        languages = try Self.languages(map)
        description = try Self.descriptions(map)
    }

    private static func integer<T: FixedWidthInteger>(_ map: MMDBValue, _ key: String, max: T) throws(MMDBError) -> T {
        guard let value = map[key]?.unsignedInteger, value <= UInt64(max) else {
            throw .invalidMetadata(key: key)
        }
        return T(value)
    }

    private static func languages(_ map: MMDBValue) throws(MMDBError) -> [String] {
        guard let value = map["languages"] else { return [] }
        guard let elements = value.array else { throw .invalidMetadata(key: "languages") }
        var codes: [String] = []
        for element in elements {
            guard let code = element.string else { throw .invalidMetadata(key: "languages") }
            codes.append(code)
        }
        return codes
    }

    private static func descriptions(_ map: MMDBValue) throws(MMDBError) -> [String: String] {
        guard let value = map["description"] else { return [:] }
        guard let entries = value.map else { throw .invalidMetadata(key: "description") }
        var texts: [String: String] = [:]
        for (language, text) in entries {
            guard let text = text.string else { throw .invalidMetadata(key: "description") }
            texts[language] = text
        }
        return texts
    }
}
