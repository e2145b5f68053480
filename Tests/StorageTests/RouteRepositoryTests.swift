import Foundation
import GRDB
@testable import Storage
import Testing

@Suite("RouteRepository")
struct RouteRepositoryTests {
    static let now = AppDatabaseTests.now
    static let v3 = "v3 bans, allowed networks, guard status"
    static let v4 = "v4 outbound routes"

    static func provider(_ database: AppDatabase, _ name: String) throws -> Int64 {
        try #require(try database.insert(Provider(name: name, hosts: ["192.0.2.1"], createdAt: now)).id)
    }

    @Test("routes are unique per prefix and provider, listed by prefix then priority, removed by count", arguments: TestDatabase.allCases)
    func lifecycle(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let carrier = try Self.provider(database, "carrier")
        let backup = try Self.provider(database, "backup")
        let first = try database.insert(Route(prefix: "+44", providerId: backup, priority: 20, strip: 1, add: "00", createdAt: Self.now))
        #expect(first.id != nil)
        _ = try database.insert(Route(prefix: "+44", providerId: carrier, priority: 10, createdAt: Self.now))
        _ = try database.insert(Route(prefix: "+", providerId: carrier, createdAt: Self.now))
        _ = try database.insert(Route(prefix: "020", providerId: carrier, createdAt: Self.now))
        #expect(try database.routes().map { "\($0.prefix):\($0.providerId)" } == ["+:\(carrier)", "+44:\(carrier)", "+44:\(backup)", "020:\(carrier)"])
        #expect(try database.routes(prefix: "+44").map(\.priority) == [10, 20])
        #expect(try database.routes(prefix: "+44").last == first)
        #expect(throws: StorageError.duplicate("route +44 to provider \(carrier)")) {
            _ = try database.insert(Route(prefix: "+44", providerId: carrier, priority: 5, createdAt: Self.now))
        }
        #expect(throws: StorageError.notFound("provider 999")) { _ = try database.insert(Route(prefix: "+1", providerId: 999, createdAt: Self.now)) }
        #expect(try database.removeRoute(prefix: "+44", providerId: backup) == 1)
        #expect(try database.removeRoute(prefix: "+44", providerId: backup) == 0)
        #expect(try database.removeRoutes(prefix: "+44") == 1)
        #expect(try database.removeRoutes(prefix: "+44") == 0)
        #expect(try database.routes().map(\.prefix) == ["+", "020"])
    }

    @Test("a provider's routes go with it; other providers' stay")
    func cascade() throws {
        let database = try AppDatabase.inMemory()
        let carrier = try Self.provider(database, "carrier")
        let backup = try Self.provider(database, "backup")
        _ = try database.insert(Route(prefix: "+44", providerId: carrier, createdAt: Self.now))
        _ = try database.insert(Route(prefix: "+44", providerId: backup, createdAt: Self.now))
        _ = try database.insert(Route(prefix: "+1", providerId: carrier, createdAt: Self.now))
        try database.removeProvider(id: carrier)
        #expect(try database.routes().map(\.providerId) == [backup])
    }

    @Test("the schema refuses what the command line would: a negative strip, other characters, an empty prefix", arguments: [
        Route(prefix: "+44", providerId: 0, strip: -1, createdAt: now),
        Route(prefix: "+44a", providerId: 0, createdAt: now),
        Route(prefix: "", providerId: 0, createdAt: now),
        Route(prefix: "+44", providerId: 0, add: "00;user=phone", createdAt: now),
    ])
    func checks(_ route: Route) throws {
        let database = try AppDatabase.inMemory()
        var route = route
        route.providerId = try Self.provider(database, "carrier")
        #expect(throws: DatabaseError.self) { _ = try database.insert(route) }
        route.prefix = "*98#"
        route.strip = 0
        route.add = "+*#0"
        _ = try database.insert(route)
    }

    @Test("a data directory created by v3 migrates to v4 and keeps its providers")
    func migratesV3Database() throws {
        let directory = try AppDatabaseTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let queue = try DatabaseQueue(path: (directory as NSString).appendingPathComponent(AppDatabase.fileName))
            try AppDatabase.migrator.migrate(queue, upTo: Self.v3)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO provider (name, techPrefix, createdAt) VALUES ('carrier', '5511#', ?)", arguments: [Self.now])
            }
            #expect(try queue.read { db in try db.tableExists("route") } == false)
        }
        let database = try AppDatabase.open(dataDirectory: directory)
        #expect(Array(try database.appliedMigrations().drop { $0 != Self.v3 }.prefix(2)) == [Self.v3, Self.v4])
        let carrier = try #require(try database.provider(named: "carrier"))
        #expect(carrier.techPrefix == "5511#")
        let route = try database.insert(Route(prefix: "+44", providerId: try #require(carrier.id), createdAt: Self.now))
        #expect(try database.routes() == [route])
        #expect(route.priority == 0 && route.strip == 0 && route.add.isEmpty)
    }

    @Test("a fresh database has the route table with its defaults")
    func freshDefaults() throws {
        let database = try AppDatabase.inMemory()
        #expect(try database.appliedMigrations().contains(Self.v4))
        let carrier = try Self.provider(database, "carrier")
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO route (prefix, providerId, createdAt) VALUES ('+1', ?, ?)", arguments: [carrier, Self.now])
        }
        let route = try #require(try database.routes(prefix: "+1").first)
        #expect(route.priority == 0 && route.strip == 0 && route.add == "")
    }
}
