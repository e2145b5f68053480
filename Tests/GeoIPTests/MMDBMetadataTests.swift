import GeoIP
import SIPTestSupport
import Testing

/// Spec "Database Metadata": the map after the marker, its required keys and their checks.
@Suite struct MMDBMetadataTests {
    @Test(arguments: [4, 6], [24, 28, 32])
    func metadataIsParsed(ipVersion: Int, recordSize: Int) throws {
        let reader = try MMDBReader(bytes: CountryFixture.database(ipVersion: ipVersion, recordSize: recordSize))
        let metadata = reader.metadata
        #expect(metadata.databaseType == "GeoLite2-Country")
        #expect(metadata.ipVersion == UInt16(ipVersion))
        #expect(metadata.recordSize == UInt16(recordSize))
        #expect(metadata.nodeCount > 0)
        #expect(metadata.buildEpoch == 1_700_000_000)
        #expect(metadata.languages == ["en", "fr"])
        #expect(metadata.description == ["en": "SIPWarden test database"])
        #expect(metadata.binaryFormatMajorVersion == 2)
        #expect(metadata.binaryFormatMinorVersion == 0)
    }

    @Test func integersOfAnyUnsignedTypeAreAccepted() throws {
        let metadata = HostileFile.metadata()
            .setting("record_size", to: .uint32(24))
            .setting("node_count", to: .uint64(1))
            .setting("ip_version", to: .uint128(high: 0, low: 4))
        let reader = try MMDBReader(bytes: HostileFile.oneNode(data: [0x40], metadata: metadata))
        #expect(reader.metadata.recordSize == 24)
        #expect(reader.metadata.nodeCount == 1)
    }

    @Test func optionalKeysMayBeAbsent() throws {
        let metadata = HostileFile.metadata().setting("languages", to: nil).setting("description", to: nil)
        let reader = try MMDBReader(bytes: HostileFile.oneNode(data: [0x40], metadata: metadata))
        #expect(reader.metadata.languages == [])
        #expect(reader.metadata.description == [:])
    }

    @Test(arguments: [
        "node_count", "record_size", "ip_version", "database_type", "build_epoch",
        "binary_format_major_version", "binary_format_minor_version",
    ])
    func requiredKeysMustBePresent(key: String) {
        let bytes = HostileFile.oneNode(data: [0x40], metadata: HostileFile.metadata().setting(key, to: nil))
        #expect(throws: MMDBError.invalidMetadata(key: key)) { try MMDBReader(bytes: bytes) }
    }

    @Test(arguments: [
        ("record_size", MMDBFixtureValue.string("24")), ("record_size", .uint32(70_000)), ("node_count", .int32(-1)),
        ("database_type", .uint16(1)), ("languages", .string("en")), ("languages", .array([.uint16(1)])),
        ("description", .array([])), ("description", .map(["en": .uint16(1)])),
    ])
    func mistypedKeysAreRejected(key: String, value: MMDBFixtureValue) {
        let bytes = HostileFile.oneNode(data: [0x40], metadata: HostileFile.metadata().setting(key, to: value))
        #expect(throws: MMDBError.invalidMetadata(key: key)) { try MMDBReader(bytes: bytes) }
    }

    @Test func theMetadataMustBeAMap() {
        let bytes = MMDBFixtureWriter.assemble(
            recordSize: 24, records: [(1, 1)], data: [0x40], metadata: .array([]))
        #expect(throws: MMDBError.invalidMetadata(key: "(metadata map)")) { try MMDBReader(bytes: bytes) }
    }

    @Test func onlyFormatVersionTwoIsRead() {
        let bytes = HostileFile.oneNode(
            data: [0x40], metadata: HostileFile.metadata().setting("binary_format_major_version", to: .uint16(3)))
        #expect(throws: MMDBError.unsupportedFormatVersion(major: 3)) { try MMDBReader(bytes: bytes) }
    }

    @Test func theLastMarkerWins() throws {
        // A marker inside the data section (as a string's bytes) comes before the real one.
        let decoy = MMDBFixtureEncoder.plain(.bytes(MMDBFixtureWriter.metadataMarker + [0xE0]))
        let reader = try MMDBReader(bytes: HostileFile.oneNode(data: [0x40] + decoy))
        #expect(reader.metadata.databaseType == "Crafted")
    }
}
