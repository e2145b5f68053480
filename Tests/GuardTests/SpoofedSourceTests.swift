import Foundation
import Guard
import SecurityEvents
import Testing

/// What spoofed UDP packets can make the Guard do: one packet never earns a permanent ban,
/// and the bans they earn give way first when the ban table is full.
@Suite("Guard: spoofed sources")
struct SpoofedSourceTests {
    @Test("a scanner's single UDP packet bans for an hour, doubling per repeat up to a day, never permanently; over TCP it is permanent")
    func onePacketBans() throws {
        var engine = GuardEngine.make()
        var expected: [TimeInterval] = [3_600, 7_200, 14_400, 28_800, 57_600, 86_400, 86_400]
        var now = TestClock.start
        for offense in 1...expected.count {
            let decision = engine.hit(.scannerDetected, from: "198.51.100.9", at: now)
            let ban = try #require(decision.bans.first, "offense \(offense)")
            #expect(ban.offense == offense)
            #expect(ban.expiry == now.addingTimeInterval(expected[0]), "offense \(offense)")
            expected.removeFirst()
            engine.noteLift(ban.network)
            now = now.addingTimeInterval(100_000)
        }
        let tcp = engine.record(
            Events.make(.scannerDetected, from: "198.51.100.10", at: now, transport: "tcp"), now: now)
        #expect(try #require(tcp.bans.first).expiry == nil, "a connection's source answered a handshake")
    }

    @Test("a ban resting on several packets keeps its jail's length; the shorter jail ban wins over the one-packet cap")
    func severalPackets() throws {
        var engine = GuardEngine.make { $0.jails = $0.jails.map { jail in
            var jail = jail
            if jail.name == "sip-scanner" { jail.threshold = 2 }
            return jail
        } }
        _ = engine.hit(.scannerDetected, from: "198.51.100.11", at: TestClock.at(0))
        let ban = try #require(engine.hit(.scannerDetected, from: "198.51.100.11", at: TestClock.at(1)).bans.first)
        #expect(ban.expiry == nil, "two packets: the jail's permanent ban")
        // sip-malformed bans for 10 minutes: a one-packet cap of an hour changes nothing.
        var short = GuardEngine.make { $0.jails = $0.jails.map { jail in
            var jail = jail
            if jail.name == "sip-malformed" { jail.threshold = 1 }
            return jail
        } }
        let malformed = try #require(short.hit(.malformedMessage, from: "198.51.100.12", at: TestClock.at(0)).bans.first)
        #expect(malformed.expiry == TestClock.at(600))
    }

    @Test("the weakest ban gives way: one packet before several, then the soonest to end, then the newest; stale entries are skipped")
    func evictionOrder() {
        func entry(_ host: String, id: Int64, onePacket: Bool, expiry: Int64, start: Int64) -> BanEvictionOrder.Entry {
            BanEvictionOrder.Entry(network: try! GuardNetwork(parsing: host), banId: id, onePacket: onePacket, expiry: expiry, start: start)
        }
        var order = BanEvictionOrder()
        let strong = entry("192.0.2.1", id: 1, onePacket: false, expiry: 100, start: 0)
        let permanentOnePacket = entry("192.0.2.2", id: 2, onePacket: true, expiry: .max, start: 0)
        let soon = entry("192.0.2.3", id: 3, onePacket: true, expiry: 50, start: 0)
        let soonNewer = entry("192.0.2.4", id: 4, onePacket: true, expiry: 50, start: 10)
        let lifted = entry("192.0.2.5", id: 5, onePacket: true, expiry: 1, start: 0)
        for item in [strong, permanentOnePacket, soon, soonNewer, lifted] { order.insert(item) }
        var popped: [Int64] = []
        while let weakest = order.weakest(isCurrent: { $0.banId != 5 }) {
            popped.append(weakest.banId)
            order.removeTop()
        }
        #expect(popped == [4, 3, 2, 1])
        #expect(soonNewer < soon && soon < permanentOnePacket && permanentOnePacket < strong)
    }
}
