import Foundation
import Guard
import Logging
import NIOCore
import SIPTransport
import Storage
import Switch
import Synchronization
import Testing
@testable import SIPWarden

/// Starts a server with the Guard on `fixture`'s data directory, wired as `serve` wires it:
/// `CallerSetup`, `GuardSetup.make`, the server with the Guard's ingress gate and source
/// defense.
///
/// The Guard's executor does not run its 100 ms loop here: the test drives it, with
/// `guardSetup.service.tick(_:now:)` (or `drain(now:)`), at the time of `clock`. A loop in
/// a task would make every assertion a race against the next drain and tie ban times to the
/// real clock; driven by the test, a ban is in place as soon as the tick returns, its times
/// are exact, and the one-second and five-second housekeeping run when the test says so (10
/// ticks contain exactly one one-second housekeeping, 50 ticks exactly one five-second one).
/// The service is started (`start(now:)`: bans read back, allow-list, blocklist) before the
/// server, as `ServiceGroup` effectively does; after the body, the loop's tail is run (a last
/// drain, the recorder flushed).
///
/// `yaml` is a configuration file read by `ConfigurationLoader` (so the `guard` section is
/// read as the server reads it); the listeners are then set to UDP and TCP on 127.0.0.1, port
/// 0, one event loop; `configure` may change anything after that. `logger` is the Guard's
/// (the security log). `monotonicNow`, when given, is the flood meter's clock (a test that
/// holds it still sees a burst in one window, however slowly a busy machine sends it).
func withGuardServer<T>(
    _ fixture: RegistrarFixture, clock: ManualWallClock = ManualWallClock(), yaml: String? = nil, logger: Logger = silentLogger,
    monotonicNow: (@Sendable () -> UInt64)? = nil, configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (TestServer, CallerSetup, GuardSetup) async throws -> T
) async throws -> T {
    var configuration = try await GuardConfigurationFile.load(yaml)
    let defaults = ServerSetup.configuration()
    configuration.listeners = defaults.listeners
    configuration.threads = defaults.threads
    configure(&configuration)
    let setup = try CallerSetup.make(configuration: configuration, dataDirectory: fixture.dataDirectory, logger: silentLogger, wallClock: clock.read)
    let made = try GuardSetup.make(settings: configuration.guardSettings, callers: setup)
    // The same parts, with the test's logger (GuardSetup.make takes the process-wide one).
    let gate: any IngressGate = monotonicNow.map { GuardIngressGate(filter: made.filter, monotonicNow: $0) } ?? made.gate
    let guardSetup = GuardSetup(
        filter: made.filter, gate: gate, defense: made.defense, service: GuardService(parts: made.service.parts, logger: logger))
    guardSetup.service.start(now: clock.date)
    let server = SIPServer(
        configuration: configuration, logger: silentLogger, gate: guardSetup.gate, callers: setup.callers, defense: guardSetup.defense)
    let listeners = try await server.start()
    let running = TestServer(server: server, listeners: listeners)
    func stop() async {
        await running.closeClients()
        await server.shutdown()
        guardSetup.service.drain(now: clock.date)
        setup.recorder.flush()
    }
    do {
        let result = try await body(running, setup, guardSetup)
        await stop()
        return result
    } catch {
        await stop()
        throw error
    }
}

/// A configuration file for one test.
enum GuardConfigurationFile {
    /// The configuration `yaml` describes (the defaults when nil).
    static func load(_ yaml: String?) async throws -> ServerConfiguration {
        guard let yaml else { return try await ConfigurationLoader.load(file: nil, environment: [:]) }
        let path = try write(yaml, suffix: "yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await ConfigurationLoader.load(file: path, environment: [:])
    }

    /// The problems `ConfigurationLoader` finds in `yaml` (none when it loads).
    static func problems(_ yaml: String) async throws -> [ConfigurationProblem] {
        let path = try write(yaml, suffix: "yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do throws(ConfigurationError) {
            _ = try await ConfigurationLoader.load(file: path, environment: [:])
            return []
        } catch {
            return error.problems
        }
    }

    /// A temporary file holding `text`; the caller removes it.
    static func write(_ text: String, suffix: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-guard-\(UUID().uuidString).\(suffix)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

extension ManualWallClock {
    /// The clock's time as a date (what the test passes to the Guard's executor).
    var date: Date { Date(timeIntervalSince1970: Double(read()) / 1000) }
}

extension GuardService {
    /// `count` turns of the executor's 100 ms loop at `now`: 10 contain exactly one
    /// one-second housekeeping (expiry, CLI changes), 50 exactly one five-second one
    /// (blocklist, known sources, status snapshot).
    func tick(_ count: Int, now: Date) {
        for _ in 0..<count { tick(now: now) }
    }
}

/// What a Guard test sends, and how it tells answered from dropped.
enum GuardTraffic {
    static let wrongPassword = "Wrong-Pass-1234"

    /// A REGISTER, its 401 answered with a wrong password as a phone answers it (digest,
    /// MD5, qop=auth): an `auth_failure`. Returns the second answer (401).
    @discardableResult
    static func failRegistration(
        _ user: String = "1001", password: String = wrongPassword, client: UDPTestClient, server: SocketAddress,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TestMessage {
        let (challenge, answer) = try await ServerRegistrarTests.registerWithCredentials(user, password: password, server: server, client: client)
        #expect(challenge.statusCode == 401, sourceLocation: sourceLocation)
        #expect(answer.statusCode == 401, "a wrong password from \(client.ip) was answered \(answer.startLine)", sourceLocation: sourceLocation)
        return answer
    }

    /// A REGISTER with the right password; returns the final answer.
    static func register(_ user: String = "1001", client: UDPTestClient, server: SocketAddress) async throws -> TestMessage {
        try await ServerRegistrarTests.registerWithCredentials(user, password: RegistrarFixture.password, server: server, client: client).answer
    }

    static func options(to server: SocketAddress, userAgent: String? = nil) -> TestRequest {
        var request = TestRequest(method: "OPTIONS", host: server.ipAddress!, transport: .udp)
        if let userAgent { request.extraHeaders = ["User-Agent: \(userAgent)"] }
        return request
    }

    /// Sends an OPTIONS and waits for its answer; nil when none came within `Wait.answer`
    /// (use `expectDropped` to show a source is dropped: it does not wait for nothing).
    static func ping(_ client: UDPTestClient, server: SocketAddress) async throws -> TestMessage? {
        let request = options(to: server)
        try await client.send(request.bytes, to: server)
        return await client.response(callID: request.callID)
    }

    /// Expects `client` to be answered (an OPTIONS, 200).
    static func expectAnswered(_ client: UDPTestClient, server: SocketAddress, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let answer = try await ping(client, server: server)
        #expect(answer?.statusCode == 200, "\(client.ip) was not answered", sourceLocation: sourceLocation)
    }

    /// Sends an OPTIONS from `client` and expects the ingress filter to drop it as banned: its
    /// drop counter moves on, and nothing arrives (a drop at the door has no answer path, so
    /// once it is counted nothing can come later).
    static func expectDropped(
        _ client: UDPTestClient, server: SocketAddress, filter: IngressFilter, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = filter.statistics.droppedBanned
        let mark = client.mark
        try await client.send(options(to: server).bytes, to: server)
        let dropped = await poll(timeout: Wait.answer) { filter.statistics.droppedBanned > before ? true : nil }
        #expect(dropped == true, "\(client.ip) was not dropped as banned", sourceLocation: sourceLocation)
        #expect(client.arrivals(since: mark).isEmpty, "\(client.ip) was answered while banned", sourceLocation: sourceLocation)
    }

    /// Everything `client` received since `mark` in answer to what it sent before now: an
    /// OPTIONS goes last, and what arrived before its answer was sent for earlier requests (one
    /// socket, one event loop, answers in order). Nil when that OPTIONS is not answered.
    static func answersBefore(_ mark: Int, client: UDPTestClient, server: SocketAddress) async throws -> [TestMessage]? {
        try await client.arrivalsBeforeSentinel(since: mark, server: server)?.compactMap { TestMessage.parse(datagram: $0.bytes) }
    }

    static func key(_ address: String) -> AddressKey { AddressKey(address)! }

    /// The active bans of `address` (as a /32) at `now`.
    static func bans(of address: String, in database: AppDatabase, at now: Date) throws -> [Ban] {
        try database.activeBans(at: now).filter { $0.network == "\(address)/32" }
    }
}

/// Log lines as `serve` writes them (`LineLogHandler`), kept for the test to read.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        let handler = LineLogHandler(label: "sipwarden.guard", level: SharedLogLevel(.info)) { [self] line in
            self.lines.withLock { $0.append(line) }
        }
        return Logger(label: "sipwarden.guard", factory: { _ in handler })
    }

    var all: [String] { lines.withLock { $0 } }

    /// Lines whose message (after `label: `) starts with `message` followed by metadata.
    func lines(_ message: String) -> [String] {
        all.filter { $0.contains("sipwarden.guard: \(message) ") }
    }
}
