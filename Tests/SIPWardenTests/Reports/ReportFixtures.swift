import Foundation
import SIPWarden
import Storage
import Testing

/// Hand-made rows with known answers, for the pure reports and for the command line (which
/// gets the same rows in a temporary data directory). The period is 2026-11-22 10:00 to
/// 12:00 UTC; every figure the tests expect is worked out in the comments.
enum ReportFixtures {
    static func date(_ text: String) -> Date {
        // The fixtures are literals: a typo should stop the test, loudly.
        guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else {
            preconditionFailure("not an ISO 8601 date with milliseconds: \(text)")
        }
        return date
    }

    static let from = date("2026-11-22T10:00:00.000Z")
    static let to = date("2026-11-22T12:00:00.000Z")

    static func period(_ granularity: ReportGranularity = .hour) throws -> ReportPeriod {
        try ReportPeriod(from: from, to: to, by: granularity)
    }

    /// Account ids as `accounts()` names them; 99 is a removed account.
    static let accountNames: [Int64: String] = [1: "acme", 2: "globex"]

    /// One call record: `start` is `HH:mm:ss.SSS` on 2026-11-22; rang when `ringing`,
    /// answered after 1 s and lasting `answeredSeconds` when given.
    static func call(
        _ start: String, caller: String = "device", callerName: String? = "alice", account: Int64? = 1,
        to destinationKind: String = "provider", destination: String? = nil, tried: [String] = [], ringing: Bool = false,
        answeredSeconds: Int? = nil, billableSeconds: Int = 0, costMicros: Int64 = 0
    ) -> CallRecord {
        let started = date("2026-11-22T\(start)Z")
        let answered = answeredSeconds.map { _ in started.addingTimeInterval(1) }
        return CallRecord(
            callID: "call-\(start)", startedAt: started, ringingAt: ringing ? started.addingTimeInterval(0.5) : nil,
            answeredAt: answered, endedAt: started.addingTimeInterval(1 + Double(answeredSeconds ?? 0)),
            durationMillis: (answeredSeconds ?? 0) * 1_000, billableSeconds: billableSeconds, callerKind: caller,
            accountId: account, callerName: callerName, sourceIP: "198.51.100.7", sourcePort: 5_060, transport: "udp",
            fromHeader: "<sip:alice@example.com>;tag=1", toHeader: "<sip:100@example.com>", requestURI: "sip:100@example.com",
            dialledNumber: "100", destinationKind: destinationKind, destination: destination,
            attempts: tried.enumerated().map { CallAttempt(providerId: Int64($0.offset + 1), providerName: $0.element, number: "100", startedAt: started) },
            status: answeredSeconds == nil ? 486 : 200, reason: answeredSeconds == nil ? "Busy Here" : "OK",
            cause: answeredSeconds == nil ? "busy" : "normal", hangupBy: "caller", costMicros: costMicros)
    }

    /// 10 attempts, 7 rang (or were answered), 5 answered for 60, 120, 30, 90 and 300 s:
    /// ASR 50.0, ACD 120.0 s, 10.00 minutes, 2.00 on average. Billable 60 + 125 + 300 s,
    /// cost 0.10 + 0.20 + 1.25.
    ///
    /// 10:00 bucket (records 1-5): 5 attempts, 4 rang, 3 answered for 210 s.
    /// 11:00 bucket (records 6-10): 5 attempts, 3 rang, 2 answered for 390 s.
    /// Then three records that must not count: an unidentified caller's, one at `to`, one
    /// just before `from`.
    static let calls: [CallRecord] = [
        // 1: acme out through carrier.
        call("10:00:00.000", destination: "carrier", tried: ["carrier"], ringing: true, answeredSeconds: 60, billableSeconds: 60, costMicros: 100_000),
        // 2: acme out through carrier (it failed over from backup).
        call("10:15:00.000", destination: "carrier", tried: ["backup", "carrier"], ringing: true, answeredSeconds: 120, billableSeconds: 125, costMicros: 200_000),
        // 3: acme to a local device, answered without ringing first: still counted as rung.
        call("10:30:00.000", to: "device", destination: "bob", answeredSeconds: 30),
        // 4: globex out, no destination recorded: the last provider tried, backup.
        call("10:59:59.999", account: 2, tried: ["carrier", "backup"], ringing: true),
        // 5: in from provider carrier to a DID's device, no account.
        call("10:45:00.000", caller: "provider", callerName: "carrier", account: nil, to: "device", destination: "bob"),
        // 6: a guest to a local device.
        call("11:00:00.000", caller: "guest", callerName: nil, account: nil, to: "device", destination: "bob", ringing: true, answeredSeconds: 90),
        // 7: acme out through carrier.
        call("11:10:00.000", destination: "carrier", tried: ["carrier"], ringing: true, answeredSeconds: 300, billableSeconds: 300, costMicros: 1_250_000),
        // 8: globex out, no provider at all: (none).
        call("11:20:00.000", account: 2),
        // 9: acme to a local device, rang, not answered.
        call("11:30:00.000", to: "device", destination: "bob", ringing: true),
        // 10: a removed account (99) out through carrier.
        call("11:40:00.000", account: 99, destination: "carrier"),
        // Not counted: an unidentified caller (security report), even with figures.
        call("10:20:00.000", caller: "unidentified", callerName: nil, account: nil, to: "none", ringing: true, answeredSeconds: 500, billableSeconds: 500, costMicros: 999),
        // Not counted: `to` is excluded, and this is before `from`.
        call("12:00:00.000", destination: "carrier", ringing: true, answeredSeconds: 1_000, billableSeconds: 1_000, costMicros: 7),
        call("09:59:59.999", destination: "carrier", ringing: true, answeredSeconds: 1_000, billableSeconds: 1_000, costMicros: 7),
    ]

    static func attempt(_ at: String, from sourceIP: String, username: String? = nil) -> UnidentifiedAttempt {
        UnidentifiedAttempt(
            occurredAt: date("2026-11-22T\(at)Z"), sourceIP: sourceIP, sourcePort: 5_060, transport: "udp", method: "INVITE",
            requestURI: "sip:100@example.com", fromHeader: "<sip:100@example.com>", toHeader: "<sip:100@example.com>",
            callID: "probe-\(at)", reason: username == nil ? "challenge not answered" : "bad credentials", username: username)
    }

    /// 8 attempts in the period (3 naming a user): 10:00 has 6 (1 with a user), 11:00 has 2
    /// (both with a user). 198.51.100.20 twice, once IPv4-mapped; 192.0.2.9 and 192.0.2.10
    /// once each, to check the numeric order.
    static let attempts: [UnidentifiedAttempt] = [
        attempt("10:05:00.000", from: "203.0.113.9", username: "alice"),
        attempt("10:06:00.000", from: "203.0.113.9"),
        attempt("10:10:00.000", from: "198.51.100.20"),
        attempt("10:11:00.000", from: "::ffff:198.51.100.20"),
        attempt("10:20:00.000", from: "192.0.2.10"),
        attempt("10:21:00.000", from: "192.0.2.9"),
        attempt("11:00:00.000", from: "203.0.113.9", username: "bob"),
        attempt("11:30:00.000", from: "2001:db8:1:2::5", username: "x\u{1B}[2J"),
        attempt("12:00:00.000", from: "203.0.113.9", username: "late"),
        attempt("09:59:59.999", from: "203.0.113.9", username: "early"),
    ]

    static func ban(_ at: String, _ network: String, jail: String) -> Ban {
        Ban(network: network, jail: jail, reason: "test", startedAt: date("2026-11-22T\(at)Z"), expiresAt: nil, createdBy: "guard")
    }

    /// 4 bans in the period: sip-auth twice (203.0.113.9), manual once (198.51.100.0/24),
    /// sip-unidentified once (2001:db8:1:2::/64); 10:00 has 1, 11:00 has 3.
    static let bans: [Ban] = [
        ban("10:07:00.000", "203.0.113.9/32", jail: "sip-auth"),
        ban("11:31:00.000", "2001:db8:1:2::/64", jail: "sip-unidentified"),
        ban("11:45:00.000", "198.51.100.0/24", jail: "manual"),
        ban("11:50:00.000", "203.0.113.9/32", jail: "sip-auth"),
        ban("12:00:00.000", "203.0.113.9/32", jail: "sip-auth"),
    ]

    /// 10:00 has three samples (devices 3, 5, 5: average 4.3; bindings up to 7); 11:00 none.
    static let samples: [OnlineSample] = [
        OnlineSample(at: date("2026-11-22T10:00:00.000Z"), devices: 3, bindings: 4),
        OnlineSample(at: date("2026-11-22T10:30:00.000Z"), devices: 5, bindings: 7),
        OnlineSample(at: date("2026-11-22T10:59:59.999Z"), devices: 5, bindings: 6),
        OnlineSample(at: date("2026-11-22T12:00:00.000Z"), devices: 50, bindings: 90),
    ]
}

extension ReportDecimal {
    /// The figure as a table shows it, nil as `-`.
    static func text(_ value: ReportDecimal?) -> String { value?.description ?? "-" }
}
