import Foundation
import SecurityEvents
import Switch
import Testing

/// Which challenged requests become "cannot determine who is calling" records, in bounded
/// memory whatever a spoofed flood sends.
@Suite("Unidentified attempts")
struct UnidentifiedAttemptTrackerTests {
    static func event(_ callID: String) -> SecurityEvent {
        SecurityEvent(
            kind: .unidentifiedCallAttempt, time: Date(timeIntervalSince1970: 1_800_000_000), source: SecuritySource(transport: "udp", ip: "192.0.2.1", port: 5060),
            reason: "bad credentials", packet: PacketSummary(method: "INVITE", requestURI: "sip:1@x", from: "<sip:a@x>;tag=1", to: "<sip:1@x>", callID: callID))
    }

    @Test("a challenge answered with valid credentials records nothing; an unanswered one is recorded once its window ends; bad credentials at once, once per Call-ID")
    func lifecycle() {
        var tracker = UnidentifiedAttemptTracker(capacity: 10, windowMilliseconds: 32_000)
        #expect(tracker.challenged(callID: "ok", event: Self.event("ok"), now: 0).isEmpty)
        tracker.identified(callID: "ok")
        #expect(tracker.challenged(callID: "silent", event: Self.event("silent"), now: 0).isEmpty)
        #expect(tracker.failed(callID: "bad", event: Self.event("bad"), now: 0).map(\.packet.callID) == ["bad"])
        #expect(tracker.failed(callID: "bad", event: Self.event("bad"), now: 1).isEmpty, "once per Call-ID")
        #expect(tracker.expire(now: 31_999).isEmpty)
        #expect(tracker.expire(now: 32_000).map(\.packet.callID) == ["silent"])
    }

    @Test("failures under ever new Call-IDs (a spoofed flood) never grow the tracker past its capacity; what makes room is still recorded")
    func failuresAreBounded() {
        var tracker = UnidentifiedAttemptTracker(capacity: 100, windowMilliseconds: 32_000)
        var recorded = 0
        for index in 0..<50 {
            recorded += tracker.challenged(callID: "c\(index)", event: Self.event("c\(index)"), now: 0).count
        }
        for index in 0..<10_000 {
            recorded += tracker.failed(callID: "f\(index)", event: Self.event("f\(index)"), now: Int64(index)).count
            #expect(tracker.count <= 100)
        }
        // Every failure is recorded, and the 50 challenges pushed out unanswered too.
        #expect(recorded == 10_050)
    }
}
