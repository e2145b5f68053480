import Foundation
import Logging
import SIPCore
import SecurityEvents
import Storage
import Synchronization
@testable import SIPWarden

/// A server with caller identification on a temporary data directory, with devices made
/// directly in its database.
struct RegistrarFixture {
    let dataDirectory: String
    let database: AppDatabase
    static let realm = "sipwarden"
    static let password = "Str0ng-Secret-Pass"

    static func make() throws -> RegistrarFixture {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-registrar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return RegistrarFixture(dataDirectory: url.path, database: try AppDatabase.open(dataDirectory: url.path))
    }

    @discardableResult
    func addDevice(_ username: String, password: String = Self.password, maxContacts: Int = 3, allowedNetworks: [String] = []) throws -> Device {
        let account = try database.insert(Account(name: "acct-\(username)", createdAt: Date()))
        var device = Device(
            accountId: account.id!, username: username, realm: Self.realm,
            ha1MD5: DigestCalculator.ha1(username: username, realm: Self.realm, password: password, algorithm: .md5),
            ha1SHA256: DigestCalculator.ha1(username: username, realm: Self.realm, password: password, algorithm: .sha256),
            createdAt: Date())
        device.maxContacts = maxContacts
        device.allowedNetworks = allowedNetworks
        return try database.insert(device)
    }

    func remove() { try? FileManager.default.removeItem(atPath: dataDirectory) }
}

/// Starts a server with the registrar on `fixture`'s data directory; the maintenance work
/// (expiry, writes, reloads) is run by the test through the returned setup.
func withRegistrarServer<T>(
    _ fixture: RegistrarFixture, clock: ManualWallClock = ManualWallClock(), configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (TestServer, CallerSetup) async throws -> T
) async throws -> T {
    var configuration = ServerSetup.configuration()
    configure(&configuration)
    let setup = try CallerSetup.make(configuration: configuration, dataDirectory: fixture.dataDirectory, logger: silentLogger, wallClock: clock.read)
    let server = SIPServer(configuration: configuration, logger: silentLogger, callers: setup.callers)
    let listeners = try await server.start()
    let running = TestServer(server: server, listeners: listeners)
    do {
        let result = try await body(running, setup)
        await running.closeClients()
        await server.shutdown()
        return result
    } catch {
        await running.closeClients()
        await server.shutdown()
        throw error
    }
}

/// Wall-clock time the test moves (Unix milliseconds).
final class ManualWallClock: Sendable {
    private let now = Mutex<Int64>(1_790_000_000_000)
    init() {}
    var read: @Sendable () -> Int64 { { self.now.withLock { $0 } } }
    func advance(seconds: Int64) { now.withLock { $0 += seconds * 1000 } }
}

/// Collects the security events of a server.
final class EventCollector: Sendable {
    final class Storage: Sendable {
        let events = Mutex<[SecurityEvent]>([])
    }

    private let storage = Storage()
    private let queue: SecurityEventQueue

    /// Takes over the queue's events from now on (drained whenever the test looks).
    init(_ queue: SecurityEventQueue) {
        self.queue = queue
        _ = queue.drain()
    }

    var all: [SecurityEvent] {
        let fresh = queue.drain().events
        return storage.events.withLock { events in
            events += fresh
            return events
        }
    }
    func of(_ kind: SecurityEvent.Kind) -> [SecurityEvent] { all.filter { $0.kind == kind } }
}

/// Answers a digest challenge as a phone would (RFC 7616 §3.4, qop=auth).
enum DigestClient {
    static func challenge(_ header: String, algorithm: String = "MD5") -> (nonce: String, stale: Bool)? {
        guard header.contains("algorithm=\(algorithm)"), let range = header.range(of: "nonce=\"") else { return nil }
        let rest = header[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return (String(rest[..<end]), header.contains("stale=true"))
    }

    static func credentials(
        username: String, password: String, realm: String = RegistrarFixture.realm, nonce: String, method: String, uri: String,
        algorithm: DigestAlgorithm = .md5, nc: String = "00000001", cnonce: String = "0a4f113b"
    ) -> String {
        let ha1 = DigestCalculator.ha1(username: username, realm: realm, password: password, algorithm: algorithm)
        let ha2 = DigestCalculator.ha2(method: method, digestURI: uri, qop: .auth, algorithm: algorithm)
        let response = DigestCalculator.response(ha1: ha1, nonce: nonce, nonceCount: nc, cnonce: cnonce, qop: .auth, ha2: ha2, algorithm: algorithm)
        return "Digest username=\"\(username)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(response)\", algorithm=\(algorithm.rawValue), cnonce=\"\(cnonce)\", qop=auth, nc=\(nc)"
    }
}
