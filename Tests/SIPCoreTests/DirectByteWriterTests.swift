import NIOCore
@testable import SIPCore
import Testing

/// The writer behind one-pass serialisation never writes past its room and never traps.
@Suite("DirectByteWriter")
struct DirectByteWriterTests {
    static func pieces(_ writer: inout DirectByteWriter) {
        writer.write("Via: ")
        writer.write(ByteBuffer(string: "SIP/2.0/UDP a"))
        writer.write(byte: UInt8(ascii: ";"))
        writer.write(decimal: 5060)
        writer.write(decimal: 0)
    }

    @Test("counted, then written: exactly the pieces, after what the buffer held")
    func counted() {
        var buffer = ByteBuffer(string: "x")
        DirectByteWriter.write(into: &buffer, Self.pieces)
        #expect(String(buffer: buffer) == "xVia: SIP/2.0/UDP a;50600")
    }

    @Test("a bound that fits writes; one byte short writes nothing and says so", arguments: [24, 23, 1])
    func bounded(_ maximum: Int) {
        var buffer = ByteBuffer(string: "x")
        let complete = DirectByteWriter.write(into: &buffer, maximum: maximum, Self.pieces)
        #expect(complete == (maximum >= 24))
        #expect(String(buffer: buffer) == (complete ? "xVia: SIP/2.0/UDP a;50600" : "x"))
    }

    @Test("decimal lengths", arguments: [(0, 1), (9, 1), (10, 2), (65_535, 5), (Int.max, 19)])
    func decimalLength(_ value: Int, _ digits: Int) {
        #expect(DirectByteWriter.decimalLength(value) == digits)
        var buffer = ByteBuffer()
        DirectByteWriter.write(into: &buffer) { $0.write(decimal: value) }
        #expect(String(buffer: buffer) == String(value))
    }
}
