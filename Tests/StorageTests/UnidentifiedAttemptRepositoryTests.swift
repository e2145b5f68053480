import Foundation
import Storage
import Testing

@Suite("UnidentifiedAttemptRepository")
struct UnidentifiedAttemptRepositoryTests {
    static func attempt(_ second: Double, reason: String = "bad credentials", username: String? = nil) -> UnidentifiedAttempt {
        UnidentifiedAttempt(
            occurredAt: AppDatabaseTests.now.addingTimeInterval(second), sourceIP: "203.0.113.9", sourcePort: 5_070,
            transport: "udp", method: "REGISTER", requestURI: "sip:example.com", fromHeader: "<sip:100@example.com>;tag=1",
            toHeader: "<sip:100@example.com>", contact: "<sip:100@203.0.113.9:5070>", userAgent: "friendly-scanner",
            callID: "scan-\(second)", reason: reason, username: username)
    }

    @Test("a batch is stored in one go and read back newest first, up to the limit", arguments: TestDatabase.allCases)
    func batchAndOrder(_ kind: TestDatabase) throws {
        let (database, cleanUp) = try kind.make()
        defer { cleanUp() }
        try database.insert([Self.attempt(1), Self.attempt(3, username: "100"), Self.attempt(2, reason: "challenge not answered")])
        try database.insert([UnidentifiedAttempt]())
        let newest = try database.unidentifiedAttempts(limit: 2)
        #expect(newest.map(\.callID) == ["scan-3.0", "scan-2.0"])
        #expect(newest[0].username == "100")
        #expect(newest[1].reason == "challenge not answered")
        var expected = Self.attempt(3, username: "100")
        expected.id = newest[0].id
        #expect(newest[0] == expected)
        #expect(try database.unidentifiedAttempts(limit: 10).count == 3)
        #expect(try database.unidentifiedAttempts(limit: 0).isEmpty)
    }
}
