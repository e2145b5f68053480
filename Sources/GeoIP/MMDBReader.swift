/// A MaxMind DB (`.mmdb`) reader, per the "MaxMind DB File Format Specification 2.0": the
/// format of GeoLite2 and DB-IP lite databases.
///
/// The whole file is held in memory and never changed, so the reader is a `Sendable` value any
/// thread may share. It is built for a background task, not the packet path: opening validates
/// the metadata and tree bounds; each lookup then walks at most 128 tree nodes and decodes one
/// record, checking every read. A corrupt or hostile file throws `MMDBError`, never crashes.
public struct MMDBReader: Sendable {
    public let metadata: MMDBMetadata
    private let bytes: [UInt8]
    private let tree: MMDBSearchTree
    /// Where pointers and data records are measured from: after the tree and its 16-byte zero
    /// separator, up to the metadata marker (spec "Data Section Separator").
    private let dataSection: MMDBSection
    /// Where IPv4 lookups start: the root in an IPv4 tree, ::/96 in an IPv6 one.
    private let ipv4Start: Int

    /// Size of the all-zero separator between the search tree and the data section.
    static let separatorSize = 16

    public init(bytes: [UInt8]) throws(MMDBError) {
        let markerOffset = try MMDBMetadataLocator.markerOffset(in: bytes)
        let metadataSection = MMDBSection(
            bytes: bytes, start: markerOffset + MMDBMetadataLocator.marker.count, end: bytes.count)
        var metadataDecoder = MMDBDataDecoder(section: metadataSection)
        let metadata = try MMDBMetadata(metadataDecoder.decode(at: metadataSection.start))
        guard metadata.binaryFormatMajorVersion == 2 else {
            throw .unsupportedFormatVersion(major: metadata.binaryFormatMajorVersion)
        }
        guard metadata.ipVersion == 4 || metadata.ipVersion == 6 else {
            throw .unsupportedIPVersion(metadata.ipVersion)
        }
        let tree = try MMDBSearchTree(nodeCount: metadata.nodeCount, recordSize: metadata.recordSize)
        guard tree.nodeCount > 0, tree.byteCount + Self.separatorSize <= markerOffset else {
            throw .badNodeCount(metadata.nodeCount)
        }
        self.metadata = metadata
        self.bytes = bytes
        self.tree = tree
        self.dataSection = MMDBSection(bytes: bytes, start: tree.byteCount + Self.separatorSize, end: markerOffset)
        self.ipv4Start = metadata.ipVersion == 6 ? tree.ipv4StartNode(in: bytes) : 0
    }

    public init(contentsOfFile path: String) throws(MMDBError) {
        try self.init(bytes: MMDBFileLoader.bytes(atPath: path))
    }

    /// The record for `address` (4 bytes for IPv4, 16 for IPv6, network order), or nil when
    /// the database has none. An IPv6 address in an IPv4-only database has none.
    public func lookup(_ address: [UInt8]) throws(MMDBError) -> MMDBValue? {
        guard let offset = try recordOffset(for: address) else { return nil }
        var decoder = MMDBDataDecoder(section: dataSection)
        return try decoder.decode(at: offset)
    }

    /// The ISO 3166-1 alpha-2 code of the country `address` is in, uppercased: the record's
    /// `country.iso_code`, or its `registered_country.iso_code` when the first is absent (as
    /// for anycast and satellite networks in GeoLite2). Only these two strings are decoded.
    public func countryCode(_ address: [UInt8]) throws(MMDBError) -> String? {
        guard let offset = try recordOffset(for: address) else { return nil }
        var decoder = MMDBDataDecoder(section: dataSection)
        for path in Self.countryCodePaths {
            if let code = try decoder.find(path, at: offset)?.string, let normalized = Self.alpha2(code) {
                return normalized
            }
        }
        return nil
    }

    private static let countryCodePaths: [[[UInt8]]] = [
        [Array("country".utf8), Array("iso_code".utf8)],
        [Array("registered_country".utf8), Array("iso_code".utf8)],
    ]

    /// Two ASCII letters, uppercased; anything else is not a country code.
    private static func alpha2(_ code: String) -> String? {
        let letters = Array(code.utf8)
        let isLetter = { (byte: UInt8) in (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        guard letters.count == 2, letters.allSatisfy(isLetter) else { return nil }
        return code.uppercased()
    }

    /// The absolute offset of the data record for `address`, or nil for "no data".
    private func recordOffset(for address: [UInt8]) throws(MMDBError) -> Int? {
        let start: Int
        switch address.count {
        case 4:
            start = ipv4Start
        case 16:
            guard metadata.ipVersion == 6 else { return nil }
            start = 0
        default:
            throw .addressLengthInvalid(address.count)
        }
        let record = try tree.terminalRecord(in: bytes, address: address, from: start)
        if record == tree.nodeCount { return nil }
        // Spec "Search Tree Section": a data record's offset in the data section is the
        // record minus the node count minus the 16-byte separator.
        let offset = dataSection.start + (record - tree.nodeCount - Self.separatorSize)
        guard offset >= dataSection.start, offset < dataSection.end else {
            throw .pointerOutOfRange(offset: offset)
        }
        return offset
    }
}
