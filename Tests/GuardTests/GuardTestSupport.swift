import Foundation
import Guard
import SecurityEvents
import Synchronization
import Testing

/// A manual wall clock for the Guard: whole milliseconds from a fixed start, turned into a
/// `Date` the way that round-trips exactly through the engine's millisecond arithmetic. The
/// code under test reads no clock; every time is one of these.
enum TestClock {
    /// Whole seconds (2026-09-21).
    static let startMilliseconds: Int64 = 1_790_000_000_000

    /// `seconds` plus `milliseconds` after the start (either may be negative).
    static func at(_ seconds: Int64, milliseconds: Int64 = 0) -> Date {
        Date(timeIntervalSince1970: Double(startMilliseconds + seconds * 1_000 + milliseconds) / 1_000)
    }

    static var start: Date { at(0) }
}

/// Monotonic nanoseconds for the ingress filter.
enum Mono {
    static let second: UInt64 = 1_000_000_000
    static let millisecond: UInt64 = 1_000_000

    /// The start of the `n`th fixed flood window of `windowSeconds` seconds: a time well away
    /// from zero, aligned to the meter's windows.
    static func windowStart(_ n: UInt64, windowSeconds: UInt64 = 2) -> UInt64 {
        (1_000 + n) * windowSeconds * second
    }
}

/// Builders for security events as the registrar, caller identification and console emit them.
enum Events {
    static func make(
        _ kind: SecurityEvent.Kind, from ip: String = "203.0.113.5", at time: Date, username: String? = nil,
        reason: String? = nil, port: Int = 5060, transport: String = "udp", callID: String = "call-1"
    ) -> SecurityEvent {
        SecurityEvent(
            kind: kind, time: time, source: SecuritySource(transport: transport, ip: ip, port: port), username: username,
            reason: reason,
            packet: PacketSummary(
                method: kind == .webProbe || kind == .consoleLoginFailure || kind == .apiKeyFailure ? "GET" : "REGISTER",
                requestURI: "sip:example.net", from: "<sip:\(username ?? "100")@example.net>;tag=1",
                to: "<sip:\(username ?? "100")@example.net>", callID: callID, userAgent: "test-agent"))
    }

    static func authFailure(from ip: String = "203.0.113.5", at time: Date, username: String? = "alice") -> SecurityEvent {
        make(.authFailure, from: ip, at: time, username: username, reason: "bad credentials")
    }

    static func authSuccess(from ip: String = "203.0.113.5", at time: Date, username: String? = "alice") -> SecurityEvent {
        make(.authSuccess, from: ip, at: time, username: username)
    }
}

/// The jail that counts each kind in the default configuration, with the figures of the
/// product description's table "Default jails".
struct DefaultJailFigures: Sendable, CustomTestStringConvertible {
    var jail: String
    var kind: SecurityEvent.Kind
    /// Events of `kind` it takes to ban.
    var events: Int
    /// Seconds; nil: no window.
    var window: Int?
    /// Seconds of the first ban; nil: permanent.
    var ban: Int?

    /// Seconds of the first ban the engine gives a source on `events` UDP events: a ban on a
    /// single packet (which may be spoofed) is never permanent and lasts at most an hour
    /// (`guard.single_packet_ban`); a flood report stands for many packets.
    var banOnUDP: Int? {
        guard events == 1, kind != .requestFlood else { return ban }
        return min(ban ?? 3_600, 3_600)
    }

    var testDescription: String { jail }

    static let all: [DefaultJailFigures] = [
        .init(jail: "sip-auth", kind: .authFailure, events: 5, window: 600, ban: 600),
        .init(jail: "sip-unidentified", kind: .unidentifiedCallAttempt, events: 20, window: 600, ban: nil),
        .init(jail: "sip-scanner", kind: .scannerDetected, events: 1, window: nil, ban: nil),
        // 30 requests in 2 s, counted by the ingress gate, which raises one event weighing 30.
        .init(jail: "sip-flood", kind: .requestFlood, events: 1, window: 2, ban: 300),
        .init(jail: "sip-malformed", kind: .malformedMessage, events: 10, window: 60, ban: 600),
        .init(jail: "console-login", kind: .consoleLoginFailure, events: 10, window: 600, ban: 3_600),
        .init(jail: "api-auth", kind: .apiKeyFailure, events: 5, window: 600, ban: nil),
        .init(jail: "web-probe", kind: .webProbe, events: 20, window: 600, ban: 3_600),
    ]
}

/// How many entries a private table of `value` holds (a dictionary, or a `NetworkMap`), read
/// by reflection: for bounds that the public API does not show.
func storedEntryCount(_ label: String, of value: Any) -> Int? {
    guard let child = Mirror(reflecting: value).children.first(where: { $0.label == label })?.value else { return nil }
    let mirror = Mirror(reflecting: child)
    if mirror.displayStyle == .dictionary { return mirror.children.count }
    return mirror.children.first { $0.label == "count" }?.value as? Int
}

/// A country database for tests: a fixed table, and a count of the lookups made.
final class FakeCountryLookup: CountryLookup {
    let table: [AddressKey: String]
    private let lookups = LookupCounter()

    init(_ table: [String: String]) {
        var keys: [AddressKey: String] = [:]
        for (text, country) in table { keys[AddressKey(text)!] = country }
        self.table = keys
    }

    func countryCode(of address: AddressKey) -> String? {
        lookups.increment()
        return table[address]
    }

    var lookupCount: Int { lookups.value }
}

final class LookupCounter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

extension GuardEngine {
    /// An engine on the default configuration, changed by `edit`.
    static func make(_ edit: (inout GuardConfiguration) -> Void = { _ in }) -> GuardEngine {
        var configuration = GuardConfiguration()
        edit(&configuration)
        return GuardEngine(configuration: configuration)
    }

    /// Records one event of `kind` from `ip`, happening and seen at `time`.
    mutating func hit(
        _ kind: SecurityEvent.Kind, from ip: String = "203.0.113.5", at time: Date, username: String? = nil,
        standing: SourceStanding = .unknown
    ) -> GuardDecision {
        record(Events.make(kind, from: ip, at: time, username: username), standing: standing, now: time)
    }

    /// Records `count` events of `kind` from `ip`, one a second from `start` seconds; returns
    /// every decision.
    mutating func hits(
        _ kind: SecurityEvent.Kind, from ip: String = "203.0.113.5", count: Int, startingAt start: Int64 = 0,
        standing: SourceStanding = .unknown
    ) -> [GuardDecision] {
        (0..<Int64(count)).map { hit(kind, from: ip, at: TestClock.at(start + $0), standing: standing) }
    }
}

extension [GuardDecision] {
    var allBans: [BanOrder] { flatMap(\.bans) }
    var allObserved: [BanOrder] { flatMap(\.observed) }
}

/// A network from its text, for expectations.
func network(_ text: String) -> GuardNetwork {
    do { return try GuardNetwork(parsing: text) } catch { fatalError("bad network text in a test: \(text)") }
}

extension JailStatistics {
    /// Events counted, bans issued, would-be bans.
    var figures: [Int] { [eventsCounted, bansIssued, wouldBan] }
}
