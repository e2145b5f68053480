import Foundation
import SIPWarden
import Storage
import Switch
import Testing

/// Routes from the database to the dial plan's decision for a dialled number.
@Suite("RouteTable")
struct RouteTableTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func provider(_ database: AppDatabase, _ name: String, techPrefix: String = "", enabled: Bool = true) throws -> Int64 {
        var provider = Provider(name: name, hosts: ["192.0.2.1"], createdAt: now)
        provider.techPrefix = techPrefix
        provider.enabled = enabled
        return try #require(try database.insert(provider).id)
    }

    @Test("rows grouped by prefix with the providers' tech prefixes; a disabled provider carries nothing; the dial plan routes with them")
    func storageToDecision() throws {
        let database = try AppDatabase.inMemory()
        let carrier = try Self.provider(database, "carrier", techPrefix: "5511#")
        let backup = try Self.provider(database, "backup")
        let off = try Self.provider(database, "off", enabled: false)
        for route in [
            Route(prefix: "+44", providerId: backup, priority: 20, strip: 1, add: "00", createdAt: Self.now),
            Route(prefix: "+44", providerId: carrier, priority: 10, strip: 1, createdAt: Self.now),
            Route(prefix: "+4420", providerId: off, createdAt: Self.now),
            Route(prefix: "+", providerId: backup, strip: 1, add: "00", createdAt: Self.now),
            Route(prefix: "0", providerId: carrier, createdAt: Self.now),
        ] {
            _ = try database.insert(route)
        }

        let routes = try RouteTable.load(from: database)
        #expect(routes == [
            OutboundRoute(prefix: "+", targets: [RouteTarget(providerId: backup, strip: 1, add: "00")]),
            OutboundRoute(prefix: "+44", targets: [
                RouteTarget(providerId: carrier, priority: 10, strip: 1, techPrefix: "5511#"),
                RouteTarget(providerId: backup, priority: 20, strip: 1, add: "00"),
            ]),
            OutboundRoute(prefix: "0", targets: [RouteTarget(providerId: carrier, techPrefix: "5511#")]),
        ])

        let plan = DialPlan(routes: routes, policy: DestinationPolicy(denyList: HighRiskPrefixes.defaults))
        func decide(_ number: String) -> DialPlan.Decision {
            plan.decide(number, origin: .device(rules: .init()), isLocal: { _ in nil }, did: { _ in nil })
        }
        // 0044 and +44 alike; +4420's only provider is disabled, so +44 carries it.
        #expect(decide("0044 20 7946 0000") == .outbound([
            .init(providerId: carrier, number: "5511#442079460000"),
            .init(providerId: backup, number: "00442079460000"),
        ]))
        #expect(decide("+1 555 0100") == .outbound([.init(providerId: backup, number: "0015550100")]))
        #expect(decide("020 7946 0000") == .outbound([.init(providerId: carrier, number: "5511#02079460000")]))
        guard case .refused(let refusal) = decide("+44 909 879 0000") else {
            Issue.record("a premium-rate number was routed")
            return
        }
        #expect(refusal.cause == .notAllowed && refusal.status == 403)

        // The provider's routes go with it.
        try database.removeProvider(id: backup)
        #expect(try RouteTable.load(from: database).map(\.prefix) == ["+44", "0"])
    }
}
