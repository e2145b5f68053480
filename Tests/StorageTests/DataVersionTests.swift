import Foundation
import Storage
import Testing

@Suite("AppDatabase.dataVersion")
struct DataVersionTests {
    @Test("a commit by another connection to the same directory changes it; our own commits do not")
    func otherProcessChanges() throws {
        let directory = try AppDatabaseTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try AppDatabase.open(dataDirectory: directory)
        let cli = try AppDatabase.open(dataDirectory: directory)
        let start = try server.dataVersion()
        #expect(try server.dataVersion() == start, "nothing changed")
        _ = try server.insert(Account(name: "own", createdAt: AppDatabaseTests.now))
        #expect(try server.dataVersion() == start, "the server's own write")

        _ = try cli.insert(Account(name: "acme", createdAt: AppDatabaseTests.now))
        let afterInsert = try server.dataVersion()
        #expect(afterInsert != start)
        #expect(try server.dataVersion() == afterInsert, "stable until the next change")
        #expect(try server.account(named: "acme") != nil)

        let id = try #require(try cli.account(named: "acme")?.id)
        try cli.removeAccount(id: id)
        #expect(try server.dataVersion() != afterInsert)
    }
}
