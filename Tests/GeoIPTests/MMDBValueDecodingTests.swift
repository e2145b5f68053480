import GeoIP
import SIPTestSupport
import Testing

/// Every data type of spec "Output Data Types", round-tripped through the fixture writer, with
/// pointers of each length (spec "Pointer - 1") and each size encoding (spec "Payload Size").
@Suite struct MMDBValueDecodingTests {
    /// A record holding one of everything, with repeats so shared values become pointers.
    static let everyType: MMDBFixtureValue = .map([
        "string": .string("Zürich"),
        "empty string": .string(""),
        "double": .double(48.8566),
        "negative double": .double(-0.5),
        "bytes": .bytes([0x00, 0xFF, 0x7F]),
        "uint16": .uint16(65_535),
        "uint16 zero": .uint16(0),
        "uint32": .uint32(4_000_000_000),
        "int32 negative": .int32(-2_147_483_648),
        "int32 small": .int32(300),
        "uint64": .uint64(UInt64.max),
        "uint128": .uint128(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10),
        "uint128 small": .uint128(high: 0, low: 42),
        "array": .array([.string("en"), .uint16(7), .array([]), .map([:])]),
        "true": .boolean(true),
        "false": .boolean(false),
        "float": .float(1.5),
        "end": .endMarker,
        "nested": .map(["string": .string("Zürich"), "array": .array([.string("en"), .uint16(7), .array([]), .map([:])])]),
        "again": .map(["string": .string("Zürich"), "array": .array([.string("en"), .uint16(7), .array([]), .map([:])])]),
    ])

    /// Padding 0 keeps shared values in reach of 2-byte pointers; 3,000 bytes needs the
    /// 3-byte form, 600,000 the 4-byte form.
    @Test(arguments: [false, true], [0, 3_000, 600_000])
    func everyTypeRoundTrips(sharesValues: Bool, padding: Int) throws {
        let bytes = MMDBFixtureWriter.database(
            ipVersion: 4, recordSize: 28, networks: [("192.0.2.0/24", Self.everyType)],
            sharesValues: sharesValues, padding: padding)
        let reader = try MMDBReader(bytes: bytes)
        #expect(try reader.lookup([192, 0, 2, 1]) == MMDBValue(Self.everyType))
    }

    /// Sizes on each side of the boundaries where the size takes one, two and three extra
    /// bytes.
    @Test(arguments: [28, 29, 30, 284, 285, 286, 65_820, 65_821, 65_822, 70_000])
    func stringSizesRoundTrip(length: Int) throws {
        let text = String(repeating: "a", count: length)
        let bytes = MMDBFixtureWriter.database(
            ipVersion: 4, recordSize: 24, networks: [("10.0.0.0/8", .map(["s": .string(text), "b": .bytes(Array(text.utf8))]))])
        let value = try MMDBReader(bytes: bytes).lookup([10, 1, 2, 3])
        #expect(value?["s"]?.string == text)
        #expect(value?["b"] == .bytes(Array(text.utf8)))
    }

    /// A 4-byte pointer (SS = 3) ignores the control byte's low bits; the writer never needs
    /// one, so it is crafted: data offset 0 points to offset 6, where the map is.
    @Test func fourBytePointersAreFollowed() throws {
        let target: MMDBFixtureValue = .map(["country": .map(["iso_code": .string("PT")])])
        let data: [UInt8] = [0x3F, 0x00, 0x00, 0x00, 0x06, 0x00] + MMDBFixtureEncoder.plain(target)
        let reader = try MMDBReader(bytes: HostileFile.oneNode(data: data))
        #expect(try reader.lookup([1, 2, 3, 4]) == MMDBValue(target))
        #expect(try reader.countryCode([1, 2, 3, 4]) == "PT")
    }

    @Test func subscriptsAndAccessorsReadTheirTypesOnly() {
        let value: MMDBValue = .map(["list": .array([.uint32(7), .int32(-1), .float(0.5)])])
        #expect(value["list"]?[0]?.unsignedInteger == 7)
        #expect(value["list"]?[1]?.unsignedInteger == nil)
        #expect(value["list"]?[2]?.double == 0.5)
        #expect(value["list"]?[3] == nil)
        #expect(value["list"]?[-1] == nil)
        #expect(value["missing"] == nil)
        #expect(value["list"]?["key"] == nil)
        #expect(value[0] == nil)
        #expect(MMDBValue.boolean(true).bool == true)
        #expect(MMDBValue.string("x").map == nil)
        #expect(MMDBValue.uint128(high: 1, low: 0).unsignedInteger == nil)
    }
}
