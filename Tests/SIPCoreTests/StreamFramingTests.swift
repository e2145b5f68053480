import NIOCore
import SIPCore
import SIPTestSupport
import Testing

/// RFC 3261 §18.3 stream framing, fed the input split at every byte.
@Suite("Stream framing")
struct StreamFramingTests {
    /// A stream of several messages with keep-alive pings (RFC 5626 §3.5.1) and stray CRLFs
    /// (RFC 3261 §7.5) between them.
    static func sampleStream() throws -> (bytes: [UInt8], expected: [String]) {
        let corpus = try ConformanceCase.all()
        func file(_ path: String) throws -> [UInt8] { try corpus.first { $0.path == path }!.bytes() }
        let wsinv = try file("rfc4475/wsinv.dat")  // folding everywhere, a body
        let mpart = try file("rfc4475/mpart01.dat")  // binary body with bare LF and NUL
        let response = try file("rfc4475/unreason.dat")
        var bytes: [UInt8] = Array("\r\n".utf8)
        bytes += Array(SampleMessages.register.utf8)
        bytes += Array("\r\n\r\n".utf8)
        bytes += wsinv
        bytes += mpart
        bytes += Array("\r\n".utf8)
        bytes += response
        bytes += Array("\r\n\r\n".utf8)
        bytes += Array(SampleMessages.invite.utf8)
        let expected = ["REGISTER", "ping", "INVITE", "MESSAGE", "200", "ping", "INVITE"]
        return (bytes, expected)
    }

    static func describe(_ frame: SIPStreamFramer.Frame) -> String {
        switch frame {
        case .keepAlivePing: return "ping"
        case .message(let message): return message.method?.name ?? String(message.statusCode ?? 0)
        }
    }

    /// Feeds `chunks` through the NIO decoder and returns what came out.
    static func decode(_ chunks: [ArraySlice<UInt8>]) throws -> (frames: [SIPStreamFramer.Frame], leftover: Int) {
        let processor = NIOSingleStepByteToMessageProcessor(SIPStreamDecoder())
        var frames: [SIPStreamFramer.Frame] = []
        for chunk in chunks {
            try processor.process(buffer: ByteBuffer(bytes: chunk)) { frames.append($0) }
        }
        return (frames, processor.unprocessedBytes)
    }

    @Test("the whole stream at once")
    func wholeStream() throws {
        let (bytes, expected) = try Self.sampleStream()
        let (frames, leftover) = try Self.decode([bytes[...]])
        #expect(frames.map(Self.describe) == expected)
        #expect(leftover == 0)
        guard case .message(let last) = frames.last else { return }
        #expect(last.body.readableBytes == SampleMessages.sdpOffer.utf8.count)
    }

    @Test("split in two at every byte")
    func splitAtEveryByte() throws {
        let (bytes, expected) = try Self.sampleStream()
        let reference = try Self.decode([bytes[...]]).frames.compactMap { frame -> [UInt8]? in
            if case .message(let message) = frame { return Array(message.bytes.readableBytesView) }
            return nil
        }
        for split in 0...bytes.count {
            let (frames, leftover) = try Self.decode([bytes[..<split], bytes[split...]])
            #expect(frames.map(Self.describe) == expected, "split at \(split)")
            #expect(leftover == 0, "split at \(split)")
            let messages = frames.compactMap { frame -> [UInt8]? in
                if case .message(let message) = frame { return Array(message.bytes.readableBytesView) }
                return nil
            }
            #expect(messages == reference, "split at \(split): message bytes differ")
        }
    }

    @Test("one byte at a time")
    func byteByByte() throws {
        let (bytes, expected) = try Self.sampleStream()
        let chunks = bytes.indices.map { bytes[$0...$0] }
        let (frames, leftover) = try Self.decode(chunks)
        #expect(frames.map(Self.describe) == expected)
        #expect(leftover == 0)
    }

    @Test("an incomplete message waits for more bytes")
    func incomplete() throws {
        let text = Array(SampleMessages.invite.utf8)
        var framer = SIPStreamFramer()
        var buffer = ByteBuffer(bytes: text.dropLast(10))
        #expect(try framer.next(from: &buffer).map(Self.describe) == nil)
        buffer.writeBytes(text.suffix(10))
        let frame = try #require(try framer.next(from: &buffer))
        #expect(Self.describe(frame) == "INVITE")
    }

    @Test("garbage is a fatal framing error, reported again on every call", arguments: [
        ("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", SIPParseError.Code.malformedStartLine),
        ("\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}\r\n", .malformedStartLine),
        ("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n", .missingContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -5\r\n\r\n", .invalidContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nl: 5\r\nl: 5\r\n\r\n", .conflictingContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999999\r\n\r\n", .bodyTooLarge),
        ("OPTIONS sip:a@b SIP/2.0\nVia: x\n\n", .invalidLineEnding),
        ("\n", .invalidLineEnding),
        ("\r\nX", .malformedStartLine),
    ])
    func garbage(_ input: String, _ code: SIPParseError.Code) throws {
        var framer = SIPStreamFramer()
        var buffer = ByteBuffer(string: input)
        // Garbage without a line end is only judged once the line ends or grows too long.
        if input == "\r\nX" { buffer.writeString(" y\r\n") }
        #expect(throws: SIPParseError.self) { try framer.next(from: &buffer) }
        #expect(framer.hasFailed)
        do {
            _ = try framer.next(from: &buffer)
            Issue.record("a failed framer must keep failing")
        } catch {
            #expect(error.code == code, "\(error)")
        }
    }

    @Test("a stream without line breaks is refused once it outgrows the line limit")
    func endlessLine() throws {
        let limits = ParserLimits(maxHeaderLength: 1_024)
        var framer = SIPStreamFramer(limits: limits)
        var buffer = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "A"), count: 1_000))
        #expect(try framer.next(from: &buffer).map(Self.describe) == nil)
        buffer.writeBytes([UInt8](repeating: UInt8(ascii: "A"), count: 100))
        #expect(throws: SIPParseError.self) { try framer.next(from: &buffer) }
    }

    @Test("a header section that never ends is refused at the message size limit")
    func endlessHeaders() throws {
        let limits = ParserLimits(maxMessageSize: 4_096, maxHeaderLength: 1_024)
        var framer = SIPStreamFramer(limits: limits)
        var buffer = ByteBuffer(string: "OPTIONS sip:a@b SIP/2.0\r\n")
        var outcome: SIPParseError?
        for _ in 0..<1_000 where outcome == nil {
            buffer.writeString("X-Filler: 0123456789012345678901234567890123456789\r\n")
            do {
                _ = try framer.next(from: &buffer)
            } catch {
                outcome = error
            }
        }
        #expect(outcome?.code == .messageTooLarge)
    }
}
