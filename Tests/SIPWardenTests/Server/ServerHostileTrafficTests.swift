import Foundation
import NIOCore
import SIPTransport
import SIPWarden
import Testing

/// Hostile traffic never stops the server from answering a clean client.
@Suite("Server: hostile traffic")
struct ServerHostileTrafficTests {
    /// Deterministic bytes (SplitMix64), so that a failure can be replayed.
    struct Garbage {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func bytes(_ count: Int) -> [UInt8] {
            var result = (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
            // Never a CR or LF first: those are keep-alives, not garbage.
            if let first = result.first, first == 13 || first == 10 { result[0] = 0 }
            return result
        }
    }

    static func options(_ transport: SIPTransportKind = .udp) -> TestRequest {
        TestRequest(method: "OPTIONS", host: ServerSetup.ipv4, transport: transport)
    }

    /// A clean client, new each time, is answered over UDP and over TCP.
    static func expectCleanClientAnswered(_ server: TestServer, _ comment: String) async throws {
        let udp = try await server.udpClient()
        let request = options()
        try await udp.send(request.bytes, to: try server.address(.udp))
        #expect(await udp.response(callID: request.callID)?.statusCode == 200, "UDP, \(comment)")
        let tcp = try await server.streamClient(.tcp)
        #expect(try await tcp.exchange(options(.tcp))?.statusCode == 200, "TCP, \(comment)")
        await tcp.close()
    }

    @Test("garbage datagrams get no answer, are counted as dropped, and the same source is still answered")
    func garbageDatagrams() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let target = try server.address(.udp)
            let attacker = try await server.udpClient()
            var garbage = Garbage(state: 4475)
            let count = 200
            // In batches, each closed by a clean OPTIONS from the same socket: the server has
            // read the batch when that is answered, so its receive buffer never overflows.
            for batch in 0..<(count / 20) {
                let mark = attacker.mark
                for index in 0..<20 {
                    try await attacker.send(garbage.bytes(1 + (batch * 20 + index) * 37 % 1_200), to: target)
                }
                let arrived = try #require(
                    try await attacker.arrivalsBeforeSentinel(since: mark, server: target), "the attacker's clean OPTIONS was not answered")
                #expect(arrived.isEmpty, "\(arrived.count) answers to garbage")
            }
            #expect(await server.statistics().malformedDropped == count)
            try await Self.expectCleanClientAnswered(server, "after garbage datagrams")
        }
    }

    @Test("a 65,000-byte datagram is not processed as a request, and the server keeps answering", arguments: [false, true])
    func hugeDatagram(asRequest: Bool) async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let target = try server.address(.udp)
            let attacker = try await server.udpClient()
            let request = Self.options()
            var bytes: [UInt8]
            if asRequest {
                // A real request whose one header makes it 65,000 bytes long.
                let head = request.text.replacingOccurrences(of: "Content-Length: 0\r\n\r\n", with: "")
                let padding = 65_000 - head.utf8.count - "Subject: \r\nContent-Length: 0\r\n\r\n".utf8.count
                bytes = Array((head + "Subject: " + String(repeating: "a", count: padding) + "\r\nContent-Length: 0\r\n\r\n").utf8)
            } else {
                bytes = [UInt8](repeating: UInt8(ascii: "A"), count: 65_000)
            }
            #expect(bytes.count == 65_000)
            try await attacker.send(bytes, to: target)
            let arrived = try #require(try await attacker.arrivalsBeforeSentinel(since: 0, server: target))
            let answers = arrived.compactMap { TestMessage.parse(datagram: $0.bytes) }
            // Too large for a datagram (RFC 3261 §18.1.1): refused, at most answered with an
            // error (513), never treated as a complete request.
            for answer in answers {
                #expect(answer.statusCode.map { $0 >= 400 } == true, "the oversized datagram was accepted: \(answer.startLine)")
            }
            if !asRequest { #expect(arrived.isEmpty) }
            try await Self.expectCleanClientAnswered(server, "after a 65,000-byte datagram")
        }
    }

    @Test("half-open and stalled connections do not stop the server, and are closed by its timers")
    func halfOpenConnections() async throws {
        var configuration = ServerSetup.configuration()
        configuration.transport.messageAssemblyTimeout = .milliseconds(300)
        configuration.transport.idleTimeout = .seconds(1)
        try await withServer(configuration) { server in
            var stalled: [StreamTestClient] = []
            // Connected and silent; a request head that never ends; FIN sent at once.
            for _ in 0..<5 { stalled.append(try await server.streamClient(.tcp)) }
            for _ in 0..<5 {
                let client = try await server.streamClient(.tcp)
                try await client.send("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP client.invalid;branch=z9hG4bK-")
                stalled.append(client)
            }
            for _ in 0..<3 {
                let client = try await server.streamClient(.tcp)
                try await client.closeOutput()
                stalled.append(client)
            }
            try await Self.expectCleanClientAnswered(server, "with 13 stalled connections open")
            for (index, client) in stalled.enumerated() {
                #expect(await client.waitForClose(), "stalled connection \(index) is still open")
                #expect(client.received.isEmpty, "stalled connection \(index) got an answer")
            }
            let released = await poll(timeout: Wait.answer) { server.server.connectionCount == 0 ? true : nil }
            #expect(released == true, "\(server.server.connectionCount) connections still counted")
            try await Self.expectCleanClientAnswered(server, "after the stalled connections were closed")
        }
    }

    @Test("a header section over the size limit closes the connection")
    func oversizedStreamHead() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let client = try await server.streamClient(.tcp)
            let request = Self.options(.tcp)
            let head = request.text.replacingOccurrences(of: "Content-Length: 0\r\n\r\n", with: "")
            // 70,000 bytes of one header: past every limit, and no end of the header section.
            try await client.send(head + "Subject: " + String(repeating: "a", count: 70_000))
            #expect(await client.waitForClose(), "the connection is still open")
            for answer in client.messages {
                #expect(answer.statusCode == 513 || answer.statusCode == 400, "\(answer.startLine)")
            }
            try await Self.expectCleanClientAnswered(server, "after an oversized stream message")
        }
    }

    @Test("a body announced over the body limit gets 413 and the connection is closed")
    func oversizedStreamBody() async throws {
        try await withServer(ServerSetup.configuration()) { server in
            let client = try await server.streamClient(.tcp)
            var request = Self.options(.tcp)
            request.extraHeaders = ["Content-Type: text/plain", "Content-Length: 100000"]
            try await client.send(request.text + String(repeating: "b", count: 1_000))
            #expect(await client.waitForClose(), "the connection is still open")
            let answers = client.messages
            #expect(answers.map(\.statusCode) == [413], "\(answers)")
            try await Self.expectCleanClientAnswered(server, "after an oversized body")
        }
    }

    @Test("binary garbage on TCP closes that connection without an answer")
    func binaryGarbageOnTCP() async throws {
        var configuration = ServerSetup.configuration()
        // Garbage without a line break cannot be judged until it is long enough; the
        // assembly timer closes those connections instead.
        configuration.transport.messageAssemblyTimeout = .milliseconds(300)
        try await withServer(configuration) { server in
            var garbage = Garbage(state: 5118)
            for size in [1, 64, 4_096, 100_000] {
                let client = try await server.streamClient(.tcp)
                try await client.send(garbage.bytes(size))
                #expect(await client.waitForClose(), "\(size) bytes of garbage: the connection is still open")
                #expect(client.received.isEmpty, "\(size) bytes of garbage: answered \(client.received.count) bytes")
            }
            try await Self.expectCleanClientAnswered(server, "after binary garbage")
        }
    }
}
