import Foundation
import GRDB
@testable import Storage
import Testing

@Suite("RateRepository")
struct RateRepositoryTests {
    static let now = AppDatabaseTests.now

    @Test("a default and an account's own rate of one prefix coexist; a second of either is refused; remove", arguments: TestDatabase.allCases)
    func lifecycle(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        let acme = try #require(try database.insert(Account(name: "acme", createdAt: Self.now)).id)
        let fallback = try database.insert(Rate(prefix: "+44", pricePerMinuteMicros: 20_000, createdAt: Self.now))
        #expect(fallback.id != nil)
        let own = try database.insert(Rate(
            accountId: acme, prefix: "+44", pricePerMinuteMicros: 15_000, connectionFeeMicros: 100_000, incrementSeconds: 60,
            minimumSeconds: 30, createdAt: Self.now))
        _ = try database.insert(Rate(prefix: "+", pricePerMinuteMicros: 50_000, createdAt: Self.now))
        #expect(throws: StorageError.duplicate("default rate +44")) {
            _ = try database.insert(Rate(prefix: "+44", pricePerMinuteMicros: 1, createdAt: Self.now))
        }
        #expect(throws: StorageError.duplicate("rate +44 of account \(acme)")) {
            _ = try database.insert(Rate(accountId: acme, prefix: "+44", pricePerMinuteMicros: 1, createdAt: Self.now))
        }
        #expect(throws: StorageError.notFound("account 999")) {
            _ = try database.insert(Rate(accountId: 999, prefix: "+44", pricePerMinuteMicros: 1, createdAt: Self.now))
        }
        #expect(try database.allRates().map(\.prefix) == ["+", "+44", "+44"])
        #expect(try database.allRates().last == own)
        #expect(try database.rates(accountId: acme) == [own])
        #expect(try database.rates(accountId: nil) == database.allRates())
        #expect(try database.removeRate(id: try #require(fallback.id)))
        #expect(try !database.removeRate(id: try #require(fallback.id)))
        #expect(try database.allRates().map(\.prefix) == ["+", "+44"])
    }

    @Test("an account's rates go with it")
    func cascade() throws {
        let database = try AppDatabase.inMemory()
        let acme = try #require(try database.insert(Account(name: "acme", createdAt: Self.now)).id)
        _ = try database.insert(Rate(accountId: acme, prefix: "+1", pricePerMinuteMicros: 1, createdAt: Self.now))
        _ = try database.insert(Rate(prefix: "+1", pricePerMinuteMicros: 2, createdAt: Self.now))
        try database.removeAccount(id: acme)
        #expect(try database.allRates().map(\.pricePerMinuteMicros) == [2])
    }

    @Test("the schema refuses negative money, a zero increment, a negative minimum, a bad prefix", arguments: [
        Rate(prefix: "+44", pricePerMinuteMicros: -1, createdAt: now),
        Rate(prefix: "+44", pricePerMinuteMicros: 1, connectionFeeMicros: -1, createdAt: now),
        Rate(prefix: "+44", pricePerMinuteMicros: 1, incrementSeconds: 0, createdAt: now),
        Rate(prefix: "+44", pricePerMinuteMicros: 1, minimumSeconds: -1, createdAt: now),
        Rate(prefix: "+44a", pricePerMinuteMicros: 1, createdAt: now),
        Rate(prefix: "", pricePerMinuteMicros: 1, createdAt: now),
    ])
    func checks(_ rate: Rate) throws {
        let database = try AppDatabase.inMemory()
        #expect(throws: DatabaseError.self) { _ = try database.insert(rate) }
        #expect(try database.allRates().isEmpty)
    }
}
