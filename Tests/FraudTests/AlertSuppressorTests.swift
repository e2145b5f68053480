import Fraud
import Testing

/// The same alert is sent once per period; what was held back is told with the next one or
/// handed over when the period ends.
@Suite("Alert suppressor")
struct AlertSuppressorTests {
    static let key = AlertSuppressor.Key(rule: "account-spend-hour", scope: .account(42), level: .warning)

    @Test("Held back within the period, sent again at its end with the count held back")
    func period() {
        var suppressor = AlertSuppressor(periodMillis: 10 * Time.minute)
        #expect(suppressor.admit(Self.key, now: Time.monday) == .send(heldBack: 0))
        #expect(suppressor.admit(Self.key, now: Time.monday + 1) == .holdBack)
        #expect(suppressor.admit(Self.key, now: Time.monday + 10 * Time.minute - 1) == .holdBack)
        #expect(suppressor.admit(Self.key, now: Time.monday + 10 * Time.minute) == .send(heldBack: 2))
        #expect(suppressor.admit(Self.key, now: Time.monday + 11 * Time.minute) == .holdBack)
        #expect(suppressor.admit(Self.key, now: Time.monday + 20 * Time.minute) == .send(heldBack: 1))
    }

    @Test("Rule, scope and level are separate keys")
    func keys() {
        var suppressor = AlertSuppressor(periodMillis: Time.hour)
        #expect(suppressor.admit(Self.key, now: Time.monday) == .send(heldBack: 0))
        #expect(suppressor.admit(AlertSuppressor.Key(rule: "account-spend-hour", scope: .account(42), level: .critical), now: Time.monday) == .send(heldBack: 0))
        #expect(suppressor.admit(AlertSuppressor.Key(rule: "account-spend-hour", scope: .account(43), level: .warning), now: Time.monday) == .send(heldBack: 0))
        #expect(suppressor.admit(AlertSuppressor.Key(rule: "account-spend-day", scope: .account(42), level: .warning), now: Time.monday) == .send(heldBack: 0))
        #expect(suppressor.admit(Self.key, now: Time.monday + 1) == .holdBack)
        #expect(suppressor.count == 4)
    }

    @Test("A finding is keyed by its rule's name, its scope and its level")
    func findingKey() {
        let rule = Sample.rule("cpm", .callsPerMinute, scope: .eachDevice, warning: 1)
        let finding = FraudFinding(
            rule: rule, level: .warning, scope: .device(7), figure: 1, threshold: 1, action: .alert, at: Time.monday,
            context: FraudContext(callID: "c", accountId: 42, deviceId: 7))
        #expect(AlertSuppressor.Key(finding) == AlertSuppressor.Key(rule: "cpm", scope: .device(7), level: .warning))
        var suppressor = AlertSuppressor(periodMillis: Time.minute)
        #expect(suppressor.admit(finding, now: Time.monday) == .send(heldBack: 0))
        #expect(suppressor.admit(finding, now: Time.monday + 1) == .holdBack)
    }

    @Test("Expiry forgets ended periods and hands over what they held back, once")
    func expiry() {
        var suppressor = AlertSuppressor(periodMillis: Time.minute)
        let quiet = AlertSuppressor.Key(rule: "quiet", scope: .global, level: .warning)
        _ = suppressor.admit(Self.key, now: Time.monday)
        _ = suppressor.admit(Self.key, now: Time.monday + 1)
        _ = suppressor.admit(Self.key, now: Time.monday + 2)
        _ = suppressor.admit(quiet, now: Time.monday + 30 * Time.second)
        #expect(suppressor.expire(now: Time.monday + Time.minute - 1).isEmpty)
        #expect(suppressor.expire(now: Time.monday + Time.minute) == [Self.key: 2])
        #expect(suppressor.count == 1)
        #expect(suppressor.expire(now: Time.monday + 90 * Time.second).isEmpty)
        #expect(suppressor.count == 0)
        // Forgotten: the next one is sent with nothing held back (the count was handed over).
        #expect(suppressor.admit(Self.key, now: Time.monday + 2 * Time.minute) == .send(heldBack: 0))
    }

    @Test("A clock stepping back does not reopen or extend a period")
    func clockBack() {
        var suppressor = AlertSuppressor(periodMillis: Time.minute)
        _ = suppressor.admit(Self.key, now: Time.monday + Time.minute)
        #expect(suppressor.admit(Self.key, now: Time.monday) == .holdBack)
        #expect(suppressor.admit(Self.key, now: Time.monday + 2 * Time.minute) == .send(heldBack: 1))
    }

    @Test("A period of zero holds nothing back")
    func zeroPeriod() {
        var suppressor = AlertSuppressor(periodMillis: 0)
        #expect(suppressor.admit(Self.key, now: Time.monday) == .send(heldBack: 0))
        #expect(suppressor.admit(Self.key, now: Time.monday) == .send(heldBack: 0))
    }
}
