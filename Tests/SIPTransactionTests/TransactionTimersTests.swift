import SIPTransaction
import Testing

/// T1, T2, T4 and the timers derived from them (RFC 3261 §17 Table 4, RFC 6026 §8.11).
@Suite("Transaction timers")
struct TransactionTimersTests {
    struct DerivedRow: Sendable, CustomTestStringConvertible {
        let timer: TransactionTimer
        let reliability: TransportReliability
        let expected: Duration?
        let rfc: String
        var testDescription: String { "\(timer) over \(reliability): \(rfc)" }
    }

    static let derived: [DerivedRow] = [
        DerivedRow(timer: .a, reliability: .unreliable, expected: .milliseconds(500), rfc: "RFC 3261 §17.1.1.2 A = T1"),
        DerivedRow(timer: .a, reliability: .reliable, expected: nil, rfc: "RFC 3261 §17.1.1.2 no A over reliable"),
        DerivedRow(timer: .b, reliability: .unreliable, expected: .seconds(32), rfc: "RFC 3261 §17.1.1.2 B = 64·T1"),
        DerivedRow(timer: .b, reliability: .reliable, expected: .seconds(32), rfc: "RFC 3261 §17.1.1.2 B = 64·T1"),
        DerivedRow(timer: .d, reliability: .unreliable, expected: .seconds(32), rfc: "RFC 3261 §17.1.1.2 D ≥ 32 s"),
        DerivedRow(timer: .d, reliability: .reliable, expected: .zero, rfc: "RFC 3261 §17.1.1.2 D = 0"),
        DerivedRow(timer: .e, reliability: .unreliable, expected: .milliseconds(500), rfc: "RFC 3261 §17.1.2.2 E = T1"),
        DerivedRow(timer: .e, reliability: .reliable, expected: nil, rfc: "RFC 3261 §17.1.2.2 no E over reliable"),
        DerivedRow(timer: .f, reliability: .unreliable, expected: .seconds(32), rfc: "RFC 3261 §17.1.2.2 F = 64·T1"),
        DerivedRow(timer: .f, reliability: .reliable, expected: .seconds(32), rfc: "RFC 3261 §17.1.2.2 F = 64·T1"),
        DerivedRow(timer: .g, reliability: .unreliable, expected: .milliseconds(500), rfc: "RFC 3261 §17.2.1 G = T1"),
        DerivedRow(timer: .g, reliability: .reliable, expected: nil, rfc: "RFC 3261 §17.2.1 no G over reliable"),
        DerivedRow(timer: .h, reliability: .unreliable, expected: .seconds(32), rfc: "RFC 3261 §17.2.1 H = 64·T1"),
        DerivedRow(timer: .h, reliability: .reliable, expected: .seconds(32), rfc: "RFC 3261 §17.2.1 H = 64·T1"),
        DerivedRow(timer: .i, reliability: .unreliable, expected: .seconds(5), rfc: "RFC 3261 §17.2.1 I = T4"),
        DerivedRow(timer: .i, reliability: .reliable, expected: .zero, rfc: "RFC 3261 §17.2.1 I = 0"),
        DerivedRow(timer: .j, reliability: .unreliable, expected: .seconds(32), rfc: "RFC 3261 §17.2.2 J = 64·T1"),
        DerivedRow(timer: .j, reliability: .reliable, expected: .zero, rfc: "RFC 3261 §17.2.2 J = 0"),
        DerivedRow(timer: .k, reliability: .unreliable, expected: .seconds(5), rfc: "RFC 3261 §17.1.2.2 K = T4"),
        DerivedRow(timer: .k, reliability: .reliable, expected: .zero, rfc: "RFC 3261 §17.1.2.2 K = 0"),
        DerivedRow(timer: .l, reliability: .unreliable, expected: .seconds(32), rfc: "RFC 6026 §7.1 L = 64·T1"),
        DerivedRow(timer: .l, reliability: .reliable, expected: .seconds(32), rfc: "RFC 6026 §7.1 L = 64·T1"),
        DerivedRow(timer: .m, reliability: .unreliable, expected: .seconds(32), rfc: "RFC 6026 §7.2 M = 64·T1"),
        DerivedRow(timer: .m, reliability: .reliable, expected: .seconds(32), rfc: "RFC 6026 §7.2 M = 64·T1"),
    ]

    @Test("every timer's default duration", arguments: derived)
    func defaultDurations(_ row: DerivedRow) {
        #expect(defaultTimers.duration(of: row.timer, over: row.reliability) == row.expected, "\(row.rfc)")
    }

    @Test("the table covers every timer over both transports")
    func tableIsComplete() {
        for timer in TransactionTimer.allCases {
            for reliability in [TransportReliability.reliable, .unreliable] {
                #expect(Self.derived.contains { $0.timer == timer && $0.reliability == reliability }, "\(timer) \(reliability)")
            }
        }
    }

    @Test("RFC 3261 §17.1.1.1 defaults: T1 500 ms, T2 4 s, T4 5 s")
    func defaults() throws {
        #expect(defaultTimers.t1 == .milliseconds(500))
        #expect(defaultTimers.t2 == .seconds(4))
        #expect(defaultTimers.t4 == .seconds(5))
        #expect(try TransactionTimers() == defaultTimers)
    }

    struct ScaledRow: Sendable, CustomTestStringConvertible {
        let t1: Duration
        let t2: Duration
        let t4: Duration
        let timer: TransactionTimer
        let reliability: TransportReliability
        let expected: Duration?
        let rfc: String
        var testDescription: String { "T1=\(t1) \(timer) \(reliability): \(rfc)" }
    }

    static let scaled: [ScaledRow] = [
        ScaledRow(t1: .seconds(1), t2: .seconds(4), t4: .seconds(5), timer: .b, reliability: .unreliable, expected: .seconds(64), rfc: "RFC 3261 §17.1.1.2 B follows T1"),
        ScaledRow(t1: .seconds(1), t2: .seconds(4), t4: .seconds(5), timer: .d, reliability: .unreliable, expected: .seconds(64), rfc: "D never shorter than the server's H = 64·T1"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .d, reliability: .unreliable, expected: .seconds(32), rfc: "RFC 3261 §17.1.1.2 D at least 32 s"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .f, reliability: .unreliable, expected: .milliseconds(6400), rfc: "RFC 3261 §17.1.2.2 F = 64·T1"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .h, reliability: .reliable, expected: .milliseconds(6400), rfc: "RFC 3261 §17.2.1 H = 64·T1"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .i, reliability: .unreliable, expected: .seconds(1), rfc: "RFC 3261 §17.2.1 I = T4"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .j, reliability: .unreliable, expected: .milliseconds(6400), rfc: "RFC 3261 §17.2.2 J = 64·T1"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .k, reliability: .unreliable, expected: .seconds(1), rfc: "RFC 3261 §17.1.2.2 K = T4"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .l, reliability: .reliable, expected: .milliseconds(6400), rfc: "RFC 6026 §7.1 L = 64·T1"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .m, reliability: .reliable, expected: .milliseconds(6400), rfc: "RFC 6026 §7.2 M = 64·T1"),
        ScaledRow(t1: .milliseconds(100), t2: .milliseconds(400), t4: .seconds(1), timer: .g, reliability: .unreliable, expected: .milliseconds(100), rfc: "RFC 3261 §17.2.1 G = T1"),
    ]

    @Test("configured T1 and T4 carry into every derived timer", arguments: scaled)
    func scaledDurations(_ row: ScaledRow) throws {
        let timers = try TransactionTimers(t1: row.t1, t2: row.t2, t4: row.t4)
        #expect(timers.duration(of: row.timer, over: row.reliability) == row.expected, "\(row.rfc)")
    }

    struct InvalidRow: Sendable, CustomTestStringConvertible {
        let t1: Duration
        let t2: Duration
        let t4: Duration
        let error: TransactionTimers.ValidationError
        var testDescription: String { "T1=\(t1) T2=\(t2) T4=\(t4) → \(error)" }
    }

    static let invalid: [InvalidRow] = [
        InvalidRow(t1: .zero, t2: .seconds(4), t4: .seconds(5), error: .t1NotPositive),
        InvalidRow(t1: .milliseconds(-500), t2: .seconds(4), t4: .seconds(5), error: .t1NotPositive),
        InvalidRow(t1: .nanoseconds(1) / 2, t2: .seconds(4), t4: .seconds(5), error: .t1NotPositive),
        InvalidRow(t1: .seconds(1), t2: .milliseconds(999), t4: .seconds(5), error: .t2BelowT1),
        InvalidRow(t1: .milliseconds(500), t2: .seconds(4), t4: .zero, error: .t4NotPositive),
        InvalidRow(t1: .milliseconds(500), t2: .seconds(4), t4: .seconds(-1), error: .t4NotPositive),
        InvalidRow(t1: .seconds(3601), t2: .seconds(3601), t4: .seconds(5), error: .tooLong),
        InvalidRow(t1: .milliseconds(500), t2: .seconds(3601), t4: .seconds(5), error: .tooLong),
        InvalidRow(t1: .milliseconds(500), t2: .seconds(4), t4: .seconds(3601), error: .tooLong),
    ]

    @Test("invalid values are refused with the reason", arguments: invalid)
    func validation(_ row: InvalidRow) {
        #expect(throws: row.error) {
            _ = try TransactionTimers(t1: row.t1, t2: row.t2, t4: row.t4)
        }
    }

    struct ValidRow: Sendable, CustomTestStringConvertible {
        let t1: Duration
        let t2: Duration
        let t4: Duration
        var testDescription: String { "T1=\(t1) T2=\(t2) T4=\(t4)" }
    }

    @Test(
        "boundary values are accepted",
        arguments: [
            ValidRow(t1: .nanoseconds(1), t2: .nanoseconds(1), t4: .nanoseconds(1)),
            ValidRow(t1: .seconds(2), t2: .seconds(2), t4: .seconds(5)),
            ValidRow(t1: .seconds(3600), t2: .seconds(3600), t4: .seconds(3600)),
        ])
    func boundaries(_ row: ValidRow) throws {
        let timers = try TransactionTimers(t1: row.t1, t2: row.t2, t4: row.t4)
        #expect(timers.t1 == row.t1)
        #expect(timers.t2 == row.t2)
        #expect(timers.t4 == row.t4)
    }
}
