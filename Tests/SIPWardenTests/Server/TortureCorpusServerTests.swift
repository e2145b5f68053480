import Foundation
import NIOCore
import SIPTestSupport
import SIPTransaction
import SIPTransport
import SIPWarden
import Testing

/// The RFC 4475 / RFC 5118 torture corpus sent to the running server, every file, with the
/// answers docs/conformance.md ("What the server answers") promises.
@Suite("Server: the torture corpus over UDP and TCP")
struct TortureCorpusServerTests {
    /// What the server sends back for one file: the status codes in order (empty: nothing).
    struct Expected: Sendable {
        var statuses: [Int]
        /// Over TCP: the framing breaks, so the server answers (when it can) and closes.
        var closesStream = false
    }

    static func answer(_ statuses: Int...) -> Expected { Expected(statuses: statuses) }
    static let none = Expected(statuses: [])

    /// docs/conformance.md, "What the server answers", over UDP.
    static let overUDP: [String: Expected] = [
        "rfc4475/wsinv.dat": answer(404),
        "rfc4475/intmeth.dat": none,
        "rfc4475/esc01.dat": answer(404),
        "rfc4475/escnull.dat": answer(405),
        "rfc4475/esc02.dat": answer(404),
        "rfc4475/lwsdisp.dat": answer(404),
        "rfc4475/longreq.dat": answer(404),
        "rfc4475/dblreq.dat": answer(405),
        "rfc4475/semiuri.dat": answer(404),
        "rfc4475/transports.dat": answer(404),
        "rfc4475/mpart01.dat": answer(404),
        "rfc4475/unreason.dat": none,
        "rfc4475/noreason.dat": none,
        "rfc4475/badinv01.dat": answer(400),
        "rfc4475/clerr.dat": answer(400),
        "rfc4475/ncl.dat": answer(400),
        "rfc4475/scalar02.dat": answer(400),
        "rfc4475/scalarlg.dat": none,
        "rfc4475/quotbal.dat": answer(400),
        "rfc4475/ltgtruri.dat": answer(400),
        "rfc4475/lwsruri.dat": answer(400),
        "rfc4475/lwsstart.dat": answer(400),
        "rfc4475/trws.dat": answer(400),
        "rfc4475/escruri.dat": answer(400),
        "rfc4475/baddate.dat": answer(400),
        "rfc4475/regbadct.dat": answer(400),
        "rfc4475/badaspec.dat": answer(400),
        "rfc4475/baddn.dat": answer(400),
        "rfc4475/badvers.dat": answer(505),
        "rfc4475/mismatch01.dat": answer(400),
        "rfc4475/mismatch02.dat": answer(501),
        "rfc4475/bigcode.dat": none,
        "rfc4475/badbranch.dat": answer(404),
        "rfc4475/insuf.dat": none,
        "rfc4475/unkscm.dat": answer(416),
        "rfc4475/novelsc.dat": answer(416),
        "rfc4475/unksm2.dat": answer(405),
        "rfc4475/bext01.dat": answer(420),
        "rfc4475/invut.dat": answer(404),
        "rfc4475/regaut01.dat": answer(405),
        "rfc4475/multi01.dat": answer(400),
        "rfc4475/mcl01.dat": answer(400),
        "rfc4475/bcast.dat": none,
        "rfc4475/zeromf.dat": answer(483),
        "rfc4475/cparam01.dat": answer(405),
        "rfc4475/cparam02.dat": answer(405),
        "rfc4475/regescrt.dat": answer(405),
        "rfc4475/sdp01.dat": answer(404),
        "rfc4475/inv2543.dat": answer(404),
        "rfc5118/ipv6-good.sip": answer(405),
        "rfc5118/ipv6-bad.sip": answer(400),
        "rfc5118/port-ambiguous.sip": answer(405),
        "rfc5118/port-unambiguous.sip": answer(405),
        "rfc5118/via-received-param-with-delim.sip": answer(404),
        "rfc5118/via-received-param-no-delim.sip": answer(404),
        "rfc5118/ipv6-in-sdp.sip": answer(404),
        "rfc5118/mult-ip-in-header.sip": answer(404),
        "rfc5118/mult-ip-in-sdp.sip": answer(404),
        "rfc5118/ipv4-mapped-ipv6.sip": answer(404),
        "rfc5118/ipv6-bug-abnf-3-colons.sip": answer(404),
        "rfc5118/ipv6-correct-abnf-2-colons.sip": answer(404),
    ]

    /// Over TCP the stream rules apply (RFC 3261 §18.3, docs/conformance.md "Streams"):
    /// Content-Length is required and frames the message, so what a datagram would cut
    /// short waits for more bytes, trailing octets are the next message, and a bad, missing
    /// or repeated Content-Length breaks the framing: 400 (the head is readable), then close.
    static let overTCP: [String: Expected] = overUDP.merging([
        "rfc4475/clerr.dat": none,  // 9,999 body bytes announced: the server waits for them
        "rfc4475/baddn.dat": none,  // no empty line: the header section never ends
        // The trailing INVITE is a second message, and the 5 octets after its body are garbage.
        "rfc4475/dblreq.dat": Expected(statuses: [405, 404], closesStream: true),
        "rfc4475/ncl.dat": Expected(statuses: [400], closesStream: true),
        "rfc4475/mcl01.dat": Expected(statuses: [400], closesStream: true),
        "rfc4475/inv2543.dat": Expected(statuses: [400], closesStream: true),  // no Content-Length
        // A start line that does not parse leaves no trust in the framing either.
        "rfc4475/lwsstart.dat": Expected(statuses: [400], closesStream: true),
        "rfc4475/lwsruri.dat": Expected(statuses: [400], closesStream: true),
        "rfc4475/trws.dat": Expected(statuses: [400], closesStream: true),
        "rfc4475/badvers.dat": Expected(statuses: [505], closesStream: true),
        "rfc4475/bigcode.dat": Expected(statuses: [], closesStream: true),
    ]) { _, tcp in tcp }

    /// A file and what it becomes once its addresses are loopback.
    struct Sample: Sendable, CustomStringConvertible {
        let row: ConformanceCase
        let bytes: [UInt8]
        var description: String { row.path }
    }

    /// Every file with its addresses on loopback and its branches made unique. Several
    /// RFC 5118 files reuse `z9hG4bKas3-111` from the same sent-by; sent one after another to
    /// one server, a later INVITE is rightly a retransmission of an earlier one (RFC 3261
    /// §17.2.3) and would get that one's answer, sent to that one's source.
    static func samples() throws -> [Sample] {
        try ConformanceCase.all().enumerated().map { index, row in
            Sample(row: row, bytes: uniqueBranches(LoopbackRewriter.rewrite(try row.bytes()), suffix: ".c\(index)"))
        }
    }

    /// Appends `suffix` to every `branch=z9hG4bK...` value that has something after the
    /// magic cookie (a bare cookie is what `badbranch.dat` is about, so it stays bare).
    static func uniqueBranches(_ bytes: [UInt8], suffix: String) -> [UInt8] {
        let marker = Array("branch=z9hG4bK".utf8)
        let tokenBytes = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            guard index + marker.count <= bytes.count, Array(bytes[index..<index + marker.count]) == marker else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index + marker.count
            while end < bytes.count, tokenBytes.contains(bytes[end]) { end += 1 }
            output += bytes[index..<end]
            if end > index + marker.count { output += Array(suffix.utf8) }
            index = end
        }
        return output
    }

    /// The Call-ID values of every row of a torture file (all its messages).
    static func callIDs(of bytes: [UInt8]) -> Set<String> {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        return Set(lines.compactMap { line -> String? in
            guard let colon = line.firstIndex(of: ":"), TestMessage.canonical(line[..<colon].trimmingWhitespace()) == "call-id" else { return nil }
            return line[line.index(after: colon)...].trimmingWhitespace()
        })
    }

    /// Checks one file's answers against the table.
    static func check(_ sample: Sample, answers: [TestMessage], expected: Expected, over transport: SIPTransportKind) {
        let statuses = answers.map { $0.statusCode ?? -1 }
        #expect(statuses == expected.statuses, "\(sample.row.path) over \(transport): got \(statuses), expected \(expected.statuses)\n\(answers)")
        for answer in answers {
            #expect(answer.statusCode != nil, "\(sample.row.path): the server sent a request: \(answer)")
            #expect(callIDs(of: sample.bytes).contains(answer.callID ?? ""), "\(sample.row.path): Call-ID not copied (RFC 3261 §8.2.6.2)")
            switch answer.statusCode {
            case 405, 501:
                // RFC 3261 §8.2.1, §21.4.6: 405 must carry Allow; the doc promises it for 501.
                #expect(!answer.listValues("Allow").isEmpty, "\(sample.row.path): \(answer.statusCode!) without Allow\n\(answer)")
            case 420:
                // §8.2.2.3: Unsupported lists the extensions that were not understood.
                #expect(
                    Set(answer.listValues("Unsupported")) == ["noProxiesSupportThis", "norDoAnyProxiesSupportThis"],
                    "\(sample.row.path): \(answer)")
            case 400:
                // docs/conformance.md: the parse error is the reason phrase.
                #expect(answer.reasonPhrase.hasPrefix("Bad Request - ") && answer.reasonPhrase.count > 14, "\(sample.row.path): \(answer.startLine)")
            default:
                break
            }
        }
    }

    static func corpusConfiguration() throws -> ServerConfiguration {
        var configuration = ServerSetup.configuration([(.udp, ServerSetup.ipv4), (.tcp, ServerSetup.ipv4)], threads: 2)
        // INVITE answers are retransmitted until ACKed; small timers let those transactions
        // end soon after the test has moved on.
        configuration.timers = try TransactionTimers(t1: .milliseconds(50), t2: .milliseconds(200), t4: .milliseconds(200))
        return configuration
    }

    @Test("the expectation table covers every file of expected.tsv, and nothing else")
    func tableCoversCorpus() throws {
        let paths = try ConformanceCase.all().map(\.path)
        #expect(paths.count == Set(paths).count)
        #expect(Set(paths) == Set(Self.overUDP.keys))
        #expect(Set(paths) == Set(Self.overTCP.keys))
    }

    @Test("over UDP every file gets the documented answer, and a clean OPTIONS is still answered")
    func corpusOverUDP() async throws {
        let samples = try Self.samples()
        try await withServer(try Self.corpusConfiguration()) { server in
            let target = try server.address(.udp)
            for sample in samples {
                let expected = try #require(Self.overUDP[sample.row.path], "\(sample.row.path) missing from the table")
                // A fresh socket per file: INVITE answers retransmitted later cannot mix in.
                let client = try await server.udpClient()
                try await client.send(sample.bytes, to: target)
                let arrived = try await client.arrivalsBeforeSentinel(since: 0, server: target)
                let datagrams = try #require(arrived, "\(sample.row.path): the server stopped answering")
                // An INVITE's final answer is retransmitted over UDP until it is acknowledged
                // (RFC 3261 §17.2.1), byte for byte: how many copies arrive before the sentinel
                // depends on how busy the machine is, so each distinct answer counts once.
                var seen = Set<[UInt8]>()
                let distinct = datagrams.filter { seen.insert($0.bytes).inserted }
                let answers = distinct.compactMap { TestMessage.parse(datagram: $0.bytes) }
                #expect(answers.count == distinct.count, "\(sample.row.path): a datagram that is not SIP came back")
                Self.check(sample, answers: answers, expected: expected, over: .udp)
                await client.close()
            }
            let client = try await server.udpClient()
            let clean = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .udp)
            try await client.send(clean.bytes, to: target)
            let answer = await client.response(callID: clean.callID)
            #expect(answer?.statusCode == 200, "after the corpus")
        }
    }

    @Test("over TCP every file gets the documented answer on a fresh connection; broken framing closes it")
    func corpusOverTCP() async throws {
        let samples = try Self.samples()
        try await withServer(try Self.corpusConfiguration()) { server in
            for sample in samples {
                let expected = try #require(Self.overTCP[sample.row.path], "\(sample.row.path) missing from the table")
                let client = try await server.streamClient(.tcp)
                try await client.send(sample.bytes)
                if !expected.closesStream {
                    // Nothing more will come from this side: the server answers what it can,
                    // then sees the end of the stream and closes. Everything read before the
                    // close is the answer.
                    do {
                        try await client.closeOutput()
                    } catch {
                        Issue.record("\(sample.row.path): closing the sending side failed: \(error); answers \(client.messages)")
                    }
                }
                let closed = await client.waitForClose()
                #expect(closed, "\(sample.row.path): the server did not close the connection")
                Self.check(sample, answers: client.messages, expected: expected, over: .tcp)
                let leftover = TestMessage.frames(from: client.received).remainder
                #expect(leftover.isEmpty, "\(sample.row.path): an incomplete message came back")
                await client.close()
            }
            let client = try await server.streamClient(.tcp)
            let clean = TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: .tcp)
            let answer = try await client.exchange(clean)
            #expect(answer?.statusCode == 200, "after the corpus")
        }
    }
}

/// The rewriting the corpus tests depend on: every address to loopback, Content-Length kept
/// right where it was right and wrong where it was wrong.
@Suite("Server: loopback rewriting of the corpus")
struct LoopbackRewriterTests {
    @Test("address literals are rewritten, lookalikes are not", arguments: [
        ("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=x", "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=x"),
        ("c=IN IP4 192.0.2.155", "c=IN IP4 127.0.0.1"),
        ("Via: SIP/2.0/UDP 255.255.255.255;branch=z", "Via: SIP/2.0/UDP 127.0.0.1;branch=z"),
        ("sip:[2001:db8::10]:5070", "sip:[::1]:5070"),
        ("sip:user@[2001:db8:::192.0.2.1]", "sip:user@[::1]"),
        ("[::ffff:192.0.2.10]:19823", "[::1]:19823"),
        (";received=2001:db8::9:255;branch", ";received=::1;branch"),
        ("REGISTER sip:2001:db8::10 SIP/2.0", "REGISTER sip:::1 SIP/2.0"),
        ("c=IN IP6 2001:db8::1", "c=IN IP6 ::1"),
        ("Date: Fri, 01 Jan 2010 16:00:00 EST", "Date: Fri, 01 Jan 2010 16:00:00 EST"),
        ("SIP/2.0/UDP host5.example.com:5060", "SIP/2.0/UDP host5.example.com:5060"),
        ("a=rtpmap:31 LPC", "a=rtpmap:31 LPC"),
    ])
    func literals(_ input: String, _ output: String) {
        #expect(String(decoding: LoopbackRewriter.addresses(Array(input.utf8)[...]), as: UTF8.self) == output)
    }

    @Test("after rewriting, every address in the corpus is loopback, and right Content-Lengths stay right")
    func corpus() throws {
        for row in try ConformanceCase.all() {
            let original = try row.bytes()
            let rewritten = LoopbackRewriter.rewrite(original)
            for literal in LoopbackRewriter.literals(in: rewritten) {
                #expect(literal == "127.0.0.1" || literal == "::1", "\(row.path): \(literal) left")
            }
            #expect(LoopbackRewriter.literals(in: original).count == LoopbackRewriter.literals(in: rewritten).count, "\(row.path)")
            let before = Self.lengths(original)
            let after = Self.lengths(rewritten)
            if let declared = before.declared, declared == before.body {
                #expect(after.declared == after.body, "\(row.path): Content-Length no longer matches the body")
            } else {
                #expect(after.declared == before.declared, "\(row.path): a deliberately wrong Content-Length was changed")
            }
        }
    }

    @Test("branches get a suffix, a bare magic cookie does not")
    func branches() {
        let input = "Via: SIP/2.0/UDP a;branch=z9hG4bKas3-111;rport\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK\r\n"
        let output = String(decoding: TortureCorpusServerTests.uniqueBranches(Array(input.utf8), suffix: ".c7"), as: UTF8.self)
        #expect(output == "Via: SIP/2.0/UDP a;branch=z9hG4bKas3-111.c7;rport\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK\r\n")
    }

    @Test("files without addresses are left byte for byte")
    func untouched() throws {
        for path in ["rfc4475/mpart01.dat", "rfc4475/intmeth.dat", "rfc4475/badaspec.dat", "rfc4475/esc02.dat"] {
            let original = try Fixtures.bytes("conformance/" + path)
            #expect(LoopbackRewriter.rewrite(original) == original, "\(path)")
        }
    }

    /// The single Content-Length value (nil when absent, repeated or not a number) and the
    /// octets after the header section.
    static func lengths(_ bytes: [UInt8]) -> (declared: Int?, body: Int) {
        guard let message = TestMessage.parse(datagram: bytes) else { return (nil, 0) }
        let values = message.values("content-length")
        return (values.count == 1 ? Int(values[0]) : nil, message.body.count)
    }
}
