import Foundation
import Console
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import SIPWarden

/// The console listener's door over real sockets: banned sources closed at accept, a cap on
/// connections per source, and silent connections timed out.
@Suite("Web console: connections")
struct WebConsoleConnectionTests {
    static let request = "GET /login HTTP/1.1\r\nHost: console\r\n\r\n"

    /// Runs the console with changed dependencies; `body` gets the listener's address.
    static func withConsole(_ change: (inout ConsoleDependencies) -> Void, _ body: @Sendable (SocketAddress) async throws -> Void) async throws {
        let fixture = try WebConsoleFixture()
        var dependencies = fixture.dependencies
        change(&dependencies)
        try await fixture.console.buildApplication(dependencies, host: "127.0.0.1", port: 0).test(.live) { client in
            try await body(try SocketAddress(ipAddress: "127.0.0.1", port: try #require(client.port)))
        }
    }

    @Test("a banned source's connection is closed at accept: not a byte of HTTP (or TLS) for it; others are served")
    func bannedAtAccept() async throws {
        try await Self.withConsole({ $0.connectionAdmits = { $0 != "127.0.0.44" } }) { address in
            let banned = try await StreamTestClient.connect(to: address, from: "127.0.0.44")
            try? await banned.send(Self.request)
            #expect(await banned.waitForClose())
            #expect(banned.received.isEmpty)
            await banned.close()
            let other = try await StreamTestClient.connect(to: address, from: "127.0.0.45")
            try await other.send(Self.request)
            let answered = await poll(timeout: Wait.answer) { String(decoding: other.received, as: UTF8.self).hasPrefix("HTTP/1.1 200") ? true : nil }
            #expect(answered == true)
            await other.close()
        }
    }

    @Test("past console.max_connections_per_ip from one source, a new connection is closed at once; another source still connects")
    func perSourceCap() async throws {
        try await Self.withConsole({ $0.connectionLimits.maxConnectionsPerSource = 2 }) { address in
            let first = try await StreamTestClient.connect(to: address, from: "127.0.0.46")
            let second = try await StreamTestClient.connect(to: address, from: "127.0.0.46")
            // Both held: answered once each, kept alive.
            for client in [first, second] {
                try await client.send(Self.request)
                #expect(await poll(timeout: Wait.answer) { client.received.isEmpty ? nil : true } == true)
            }
            let third = try await StreamTestClient.connect(to: address, from: "127.0.0.46")
            try? await third.send(Self.request)
            #expect(await third.waitForClose())
            #expect(third.received.isEmpty)
            await third.close()
            let elsewhere = try await StreamTestClient.connect(to: address, from: "127.0.0.47")
            try await elsewhere.send(Self.request)
            #expect(await poll(timeout: Wait.answer) { elsewhere.received.isEmpty ? nil : true } == true)
            for client in [first, second, elsewhere] { await client.close() }
        }
    }

    @Test("a connection that sends nothing is closed after console.idle_timeout")
    func idleTimeout() async throws {
        try await Self.withConsole({ $0.idleTimeout = .seconds(1) }) { address in
            let silent = try await StreamTestClient.connect(to: address, from: "127.0.0.48")
            #expect(await silent.waitForClose(timeout: .seconds(10)), "a silent connection was kept")
            // A slow sender that never completes a request is closed as well.
            let slow = try await StreamTestClient.connect(to: address, from: "127.0.0.49")
            for byte in Array("GET /login HTTP/1.1\r\nHost: x\r\n".utf8).prefix(6) {
                try? await slow.send([byte])
                try? await Task.sleep(for: .milliseconds(400))
            }
            #expect(await slow.waitForClose(timeout: .seconds(10)), "a slow sender was kept")
            #expect(slow.received.isEmpty)
            await silent.close()
            await slow.close()
        }
    }
}
