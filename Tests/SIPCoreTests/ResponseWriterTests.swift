import NIOCore
import SIPCore
import SIPTestSupport
import Testing

/// `writeResponse` (the server's stateless answers, written in one pass) must produce exactly
/// the bytes of `response(to:)` with the same headers appended, and refuse what it refuses.
@Suite("Responses written in one pass")
struct ResponseWriterTests {
    static let extra = [
        SIPOutgoingMessage.Header(name: "Allow", value: "OPTIONS, INVITE"),
        SIPOutgoingMessage.Header(name: "Server", value: "SIPWarden"),
    ]

    /// Every corpus message, parsed or (when it fails) its partial message, with and
    /// without a rewritten top Via, for a 100, a 200 and a 400 with its own reason.
    static func requests() throws -> [(String, SIPMessage)] {
        var found: [(String, SIPMessage)] = []
        for row in try ConformanceCase.all() {
            let bytes = ByteBuffer(bytes: try row.bytes())
            do throws(SIPParseError) {
                found.append((row.path, try SIPMessage(parsing: bytes)))
            } catch {
                if let partial = error.partialMessage { found.append((row.path, partial)) }
            }
        }
        for (index, sample) in [SampleMessages.register, SampleMessages.invite].enumerated() {
            found.append(("sample \(index)", try SIPMessage(parsing: ByteBuffer(string: sample))))
        }
        return found
    }

    @Test("the same bytes as response(to:) with the headers appended, or the same refusal")
    func sameBytes() throws {
        for (name, request) in try Self.requests() {
            var copy = request
            let via = try? copy.topVia()
            for topVia in [nil, via?.withSource(received: SIPString("192.0.2.1"), rport: 5060)] {
                for (status, reason) in [(100, nil), (200, nil), (400, "Bad Request - test")] as [(Int, String?)] {
                    var expected: ByteBuffer?
                    do throws(SIPSerializationError) {
                        var built = request
                        var response = try SIPOutgoingMessage.response(
                            to: &built, statusCode: status, reasonPhrase: reason, toTag: "a6c85cf", topVia: topVia)
                        for header in Self.extra { try response.append(header.name, header.value) }
                        expected = response.serialized
                    } catch {
                        expected = nil
                    }
                    var written: ByteBuffer? = ByteBuffer(string: "kept")
                    do throws(SIPSerializationError) {
                        var target = request
                        try SIPOutgoingMessage.writeResponse(
                            to: &target, statusCode: status, reasonPhrase: reason.map { SIPString($0) }, toTag: "a6c85cf",
                            topVia: topVia, extraHeaders: Self.extra, into: &written!)
                        written!.moveReaderIndex(forwardBy: 4)
                    } catch {
                        #expect(written == ByteBuffer(string: "kept"), "\(name): a refusal left bytes behind")
                        written = nil
                    }
                    #expect(written.map { String(buffer: $0) } == expected.map { String(buffer: $0) }, "\(name) \(status) \(topVia?.string ?? "-")")
                }
            }
        }
    }

    @Test("a bad extra header or tag is refused", arguments: [
        (SIPOutgoingMessage.Header(name: "X", value: "a\r\nVia: evil"), "a6c85cf"),
        (SIPOutgoingMessage.Header(name: "Bad Name", value: "v"), "a6c85cf"),
        (SIPOutgoingMessage.Header(name: "Content-Length", value: "5"), "a6c85cf"),
        (SIPOutgoingMessage.Header(name: "X", value: "v"), "bad tag"),
    ])
    func refused(_ header: SIPOutgoingMessage.Header, _ tag: String) throws {
        var request = try SIPMessage(parsing: ByteBuffer(string: SampleMessages.register))
        var buffer = ByteBuffer()
        #expect(throws: SIPSerializationError.self) {
            try SIPOutgoingMessage.writeResponse(
                to: &request, statusCode: 200, toTag: SIPString(tag), topVia: nil, extraHeaders: [header], into: &buffer)
        }
        #expect(buffer.readableBytes == 0)
    }
}
