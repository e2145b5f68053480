/// Builds `.mmdb` files for tests, written from the spec ("MaxMind DB File Format
/// Specification 2.0"): search tree, 16 zero bytes, data section, metadata marker, metadata.
///
/// For tests only: it writes what a test asks for (valid or deliberately broken files) and
/// treats malformed input (a bad CIDR literal, an unknown record size) as a programming error.
public enum MMDBFixtureWriter {
    /// A valid database holding `networks` (CIDR literal, record). In an IPv6 database, IPv4
    /// networks go under ::/96, where the spec puts them. `ipVersion` is 4 or 6, `recordSize`
    /// 24, 28 or 32; `databaseType` is the metadata's `database_type` (what tells a country
    /// database from, say, an ASN one).
    public static func database(
        ipVersion: Int,
        recordSize: Int,
        networks: [(cidr: String, value: MMDBFixtureValue)],
        sharesValues: Bool = true,
        padding: Int = 0,
        databaseType: String = "GeoLite2-Country"
    ) -> [UInt8] {
        var encoder = MMDBFixtureEncoder(sharesValues: sharesValues, padding: padding)
        var tree = MMDBFixtureTree()
        let parsed = networks.map { network in
            (place(IPAddressFixture.network(network.cidr), ipVersion: ipVersion), network.value)
        }
        for ((address, length), value) in parsed.sorted(by: { $0.0.prefixLength < $1.0.prefixLength }) {
            tree.insert(address: address, prefixLength: length, dataOffset: encoder.offset(of: value))
        }
        let records = tree.numericRecords()
        let meta = metadata(
            nodeCount: records.count, recordSize: recordSize, ipVersion: ipVersion, databaseType: databaseType)
        return assemble(recordSize: recordSize, records: records, data: encoder.bytes, metadata: meta)
    }

    /// A file from its parts, valid or not: the crafted-file tests start here.
    public static func assemble(
        recordSize: Int, records: [(left: Int, right: Int)], data: [UInt8], metadata: MMDBFixtureValue
    ) -> [UInt8] {
        var file: [UInt8] = []
        for (left, right) in records {
            file += node(left: left, right: right, recordSize: recordSize)
        }
        file += Array(repeating: 0, count: 16)
        file += data
        file += metadataMarker
        file += MMDBFixtureEncoder.plain(metadata)
        return file
    }

    /// `\xAB\xCD\xEFMaxMind.com`, which precedes the metadata map.
    public static let metadataMarker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)

    /// The metadata map with every key the spec requires, as MaxMind's writer types them.
    public static func metadata(
        nodeCount: Int, recordSize: Int, ipVersion: Int, databaseType: String = "GeoLite2-Country"
    ) -> MMDBFixtureValue {
        .map([
            "node_count": .uint32(UInt32(nodeCount)),
            "record_size": .uint16(UInt16(recordSize)),
            "ip_version": .uint16(UInt16(ipVersion)),
            "database_type": .string(databaseType),
            "languages": .array([.string("en"), .string("fr")]),
            "binary_format_major_version": .uint16(2),
            "binary_format_minor_version": .uint16(0),
            "build_epoch": .uint64(1_700_000_000),
            "description": .map(["en": .string("SIPWarden test database")]),
        ])
    }

    /// One node's bytes (spec "Search Tree Section": 24 and 32 bits are two big-endian
    /// records; 28 bits share the middle byte, high nibble for the left record).
    public static func node(left: Int, right: Int, recordSize: Int) -> [UInt8] {
        switch recordSize {
        case 24:
            return MMDBFixtureEncoder.bigEndian(UInt64(left), count: 3) + MMDBFixtureEncoder.bigEndian(UInt64(right), count: 3)
        case 28:
            let middle = UInt8((left >> 24) & 0x0F) << 4 | UInt8((right >> 24) & 0x0F)
            return MMDBFixtureEncoder.bigEndian(UInt64(left & 0xFF_FFFF), count: 3) + [middle]
                + MMDBFixtureEncoder.bigEndian(UInt64(right & 0xFF_FFFF), count: 3)
        case 32:
            return MMDBFixtureEncoder.bigEndian(UInt64(left), count: 4) + MMDBFixtureEncoder.bigEndian(UInt64(right), count: 4)
        default:
            preconditionFailure("record size \(recordSize)")
        }
    }

    private static func place(
        _ network: (address: [UInt8], prefixLength: Int), ipVersion: Int
    ) -> (address: [UInt8], prefixLength: Int) {
        if ipVersion == 4 {
            precondition(network.address.count == 4, "IPv6 network in an IPv4 database")
            return network
        }
        if network.address.count == 4 {
            return (Array(repeating: 0, count: 12) + network.address, network.prefixLength + 96)
        }
        return network
    }
}
