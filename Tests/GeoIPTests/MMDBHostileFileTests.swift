import GeoIP
import SIPTestSupport
import Testing

/// Corrupt, truncated and malicious files end in an `MMDBError`: never a crash, never an
/// endless walk.
@Suite struct MMDBHostileFileTests {
    private static func lookupError(_ data: [UInt8], recordTarget: Int = 0) -> MMDBError? {
        HostileFile.error { _ = try MMDBReader(bytes: HostileFile.oneNode(data: data, recordTarget: recordTarget)).lookup([1, 2, 3, 4]) }
    }

    // MARK: Finding the metadata

    @Test(arguments: [[], [UInt8](repeating: 0, count: 1_000), Array("MaxMind.com".utf8)])
    func filesWithoutTheMarkerAreRejected(bytes: [UInt8]) {
        #expect(throws: MMDBError.metadataMarkerNotFound) { try MMDBReader(bytes: bytes) }
    }

    @Test func aMarkerBeyondTheLast128KiBIsNotSearchedFor() {
        let bytes = HostileFile.oneNode(data: [0x40]) + [UInt8](repeating: 0, count: 128 * 1024)
        #expect(throws: MMDBError.metadataMarkerNotFound) { try MMDBReader(bytes: bytes) }
    }

    @Test func unreadableFilesNameThePath() {
        let error = HostileFile.error { _ = try MMDBReader(contentsOfFile: "/nonexistent/GeoLite2-Country.mmdb") }
        guard case .fileUnreadable(let path, _)? = error else {
            Issue.record("expected fileUnreadable, got \(String(describing: error))")
            return
        }
        #expect(path == "/nonexistent/GeoLite2-Country.mmdb")
    }

    // MARK: Metadata that does not fit the file

    @Test(arguments: [UInt16(0), 16, 20, 25, 31, 48, 64])
    func unsupportedRecordSizesAreRejected(recordSize: UInt16) {
        let bytes = HostileFile.oneNode(data: [0x40], metadata: HostileFile.metadata().setting("record_size", to: .uint16(recordSize)))
        #expect(throws: MMDBError.unsupportedRecordSize(recordSize)) { try MMDBReader(bytes: bytes) }
    }

    @Test(arguments: [UInt32(0), 2, 1_000, UInt32.max])
    func nodeCountsTheFileCannotHoldAreRejected(nodeCount: UInt32) {
        let bytes = HostileFile.oneNode(data: [], metadata: HostileFile.metadata().setting("node_count", to: .uint32(nodeCount)))
        #expect(throws: MMDBError.badNodeCount(nodeCount)) { try MMDBReader(bytes: bytes) }
    }

    @Test(arguments: [UInt16(0), 5, 7])
    func unknownIPVersionsAreRejected(ipVersion: UInt16) {
        let bytes = HostileFile.oneNode(data: [0x40], metadata: HostileFile.metadata().setting("ip_version", to: .uint16(ipVersion)))
        #expect(throws: MMDBError.unsupportedIPVersion(ipVersion)) { try MMDBReader(bytes: bytes) }
    }

    // MARK: The search tree

    /// A node whose left record points back at itself: the walk must stop when the address
    /// bits run out, not follow the loop.
    @Test(arguments: [4, 6])
    func aTreeLoopEndsWhenTheBitsRunOut(ipVersion: Int) throws {
        let bytes = MMDBFixtureWriter.assemble(
            recordSize: 24, records: [(0, 1)], data: [0x40],
            metadata: HostileFile.metadata(ipVersion: ipVersion))
        let reader = try MMDBReader(bytes: bytes)
        #expect(throws: MMDBError.searchTreeUnterminated(node: 0)) { try reader.lookup([0, 0, 0, 0]) }
        #expect(try reader.lookup([128, 0, 0, 0]) == nil)
    }

    @Test func treeRecordsOutsideTheDataSectionAreRejected() {
        #expect(Self.lookupError([0x40], recordTarget: 1) == .pointerOutOfRange(offset: HostileFile.dataStart + 1))
        #expect(Self.lookupError([0x40], recordTarget: 0x7F_0000) == .pointerOutOfRange(offset: HostileFile.dataStart + 0x7F_0000))
        // Records just above the node count point into the 16-byte separator.
        let bytes = MMDBFixtureWriter.assemble(recordSize: 24, records: [(2, 2)], data: [0x40], metadata: HostileFile.metadata())
        #expect(throws: MMDBError.pointerOutOfRange(offset: HostileFile.dataStart - 15)) {
            try MMDBReader(bytes: bytes).lookup([1, 2, 3, 4])
        }
    }

    // MARK: The data section

    @Test func dataPointersOutsideTheDataSectionAreRejected() {
        #expect(Self.lookupError([0x20, 0x50]) == .pointerOutOfRange(offset: HostileFile.dataStart + 0x50))
        #expect(Self.lookupError([0x38, 0xFF, 0xFF, 0xFF, 0xFF]) == .pointerOutOfRange(offset: HostileFile.dataStart + 0xFFFF_FFFF))
        #expect(Self.lookupError([0x20, 0x02]) == .pointerOutOfRange(offset: HostileFile.dataStart + 2))
    }

    @Test func pointerCyclesHitTheDepthLimit() {
        // A pointer to itself, and a map whose value points back at the map.
        #expect(Self.lookupError([0x20, 0x00]) == .depthLimitExceeded(limit: 64))
        #expect(Self.lookupError([0xE1, 0x41, 0x61, 0x20, 0x00]) == .depthLimitExceeded(limit: 64))
        // Two pointers to each other, reached through `countryCode`'s path walk.
        let error = HostileFile.error { _ = try MMDBReader(bytes: HostileFile.oneNode(data: [0x20, 0x02, 0x20, 0x00])).countryCode([1, 2, 3, 4]) }
        #expect(error == .depthLimitExceeded(limit: 64))
    }

    /// Arrays of one element, nested: 64 levels below the top one are allowed, 65 are not.
    @Test(arguments: [(10, nil), (64, nil), (65, MMDBError.depthLimitExceeded(limit: 64)), (1_000, .depthLimitExceeded(limit: 64))])
    func nestingIsCapped(levels: Int, expected: MMDBError?) {
        let data = Array([[UInt8]](repeating: [0x01, 0x04], count: levels).joined()) + [0x40]
        #expect(Self.lookupError(data) == expected)
    }

    /// Twenty levels of four pointers to the level below describe 4^20 values in 200 bytes.
    @Test func pointerFanOutHitsTheValueLimit() {
        var data: [UInt8] = [0x41, 0x78]
        var below = 0
        for _ in 0..<20 {
            let level = data.count
            data += [0x04, 0x04] + Array([[UInt8]](repeating: MMDBFixtureEncoder.pointer(to: below), count: 4).joined())
            below = level
        }
        #expect(Self.lookupError(data, recordTarget: below) == .valueLimitExceeded(limit: 1 << 18))
    }

    @Test func malformedValuesAreRejected() {
        let start = HostileFile.dataStart
        #expect(Self.lookupError([0x42, 0xC3, 0x28]) == .invalidUTF8(offset: start))
        #expect(Self.lookupError([0xE1, 0x42, 0xFF, 0xFE, 0x40]) == .invalidUTF8(offset: start + 2))
        #expect(Self.lookupError([0xE1, 0xA1, 0x05, 0x40]) == .invalidMapKey(offset: start + 1))
        #expect(Self.lookupError([0x64, 0, 0, 0, 0]) == .invalidValueSize(type: "double", size: 4, offset: start))
        #expect(Self.lookupError([0x08, 0x08, 0, 0, 0, 0, 0, 0, 0, 0]) == .invalidValueSize(type: "float", size: 8, offset: start))
        #expect(Self.lookupError([0xA3, 0, 0, 0]) == .invalidValueSize(type: "uint16", size: 3, offset: start))
        #expect(Self.lookupError([0x11, 0x03] + [UInt8](repeating: 0, count: 17)) == .invalidValueSize(type: "uint128", size: 17, offset: start))
        #expect(Self.lookupError([0x02, 0x07]) == .invalidValueSize(type: "boolean", size: 2, offset: start))
        #expect(Self.lookupError([0x01, 0x06]) == .invalidValueSize(type: "end marker", size: 1, offset: start))
        #expect(Self.lookupError([0x00, 0x00]) == .invalidDataType(code: 7, offset: start))
        #expect(Self.lookupError([0x00, 0x09]) == .invalidDataType(code: 16, offset: start))
        #expect(Self.lookupError([0x00, 0x05]) == .invalidDataType(code: 12, offset: start))
    }

    @Test func sizesRunningPastTheSectionAreRejected() {
        let start = HostileFile.dataStart
        #expect(Self.lookupError([0x45, 0x61]) == .truncatedData(offset: start))
        #expect(Self.lookupError([0x5F, 0xFF]) == .truncatedData(offset: start))
        #expect(Self.lookupError([0x68, 0, 0, 0]) == .truncatedData(offset: start))
        #expect(Self.lookupError([0xFF, 0xFF, 0xFF, 0xFF]) == .truncatedData(offset: start))
        #expect(Self.lookupError([0x1F, 0x04, 0xFF, 0xFF, 0xFF]) == .truncatedData(offset: start))
        #expect(Self.lookupError([0xE1, 0x41, 0x61]) == .truncatedData(offset: start + 3))
        #expect(Self.lookupError([]) == .pointerOutOfRange(offset: start))
    }

    // MARK: Every cut and every corrupted byte of a real-shaped file

    /// Every strict prefix of a database loses some of its metadata, so opening must fail.
    @Test(arguments: [4, 6])
    func everyTruncationIsRejected(ipVersion: Int) {
        let bytes = CountryFixture.database(ipVersion: ipVersion, recordSize: 28)
        for length in 0..<bytes.count {
            #expect(throws: MMDBError.self, "cut at \(length)") { try MMDBReader(bytes: Array(bytes[..<length])) }
        }
    }

    /// Data sections cut short from the end, metadata intact: lookups throw or answer.
    @Test(arguments: [4, 6])
    func dataSectionsCutShortDoNotCrash(ipVersion: Int) throws {
        let bytes = CountryFixture.database(ipVersion: ipVersion, recordSize: 24)
        let marker = try #require(bytes.lastIndex(of: 0xAB))
        let addresses = Self.probeAddresses(ipVersion: ipVersion)
        for removed in 1...marker {
            let cut = Array(bytes[..<(marker - removed)] + bytes[marker...])
            Self.exercise(cut, addresses)
        }
    }

    /// Each byte inverted in turn: whatever it breaks must surface as an `MMDBError`.
    @Test(arguments: [(4, 24), (6, 28), (6, 32)])
    func everyCorruptedByteIsSurvived(ipVersion: Int, recordSize: Int) {
        let bytes = CountryFixture.database(ipVersion: ipVersion, recordSize: recordSize)
        let addresses = Self.probeAddresses(ipVersion: ipVersion)
        for index in bytes.indices {
            var corrupted = bytes
            corrupted[index] ^= 0xFF
            Self.exercise(corrupted, addresses)
        }
    }

    /// Every third address of the lookup tables: each network and some gaps, few enough to
    /// keep a lookup per corrupted byte cheap.
    private static func probeAddresses(ipVersion: Int) -> [[UInt8]] {
        let texts = CountryFixture.ipv4Expectations.map(\.address)
            + (ipVersion == 6 ? CountryFixture.ipv6Expectations.map(\.address) : [])
        return stride(from: 0, to: texts.count, by: 3).map { IPAddressFixture.bytes(texts[$0]) }
    }

    /// Opens and queries a possibly broken file; errors are fine, a crash fails the run.
    private static func exercise(_ bytes: [UInt8], _ addresses: [[UInt8]]) {
        guard let reader = try? MMDBReader(bytes: bytes) else { return }
        for address in addresses {
            _ = try? reader.lookup(address)
            _ = try? reader.countryCode(address)
        }
    }
}
