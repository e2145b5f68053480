import Foundation
import Storage
import Testing

/// The two kinds of database every repository runs on: in memory (a `DatabaseQueue`) and a
/// data directory (a WAL `DatabasePool`), which differ in how reads and writes are scheduled.
enum TestDatabase: String, CaseIterable, CustomTestStringConvertible {
    case inMemory = "in memory"
    case file = "file"

    var testDescription: String { rawValue }

    /// A fresh database; `cleanUp` removes its directory.
    func make() throws -> (database: AppDatabase, cleanUp: @Sendable () -> Void) {
        switch self {
        case .inMemory:
            return (try AppDatabase.inMemory(), {})
        case .file:
            let directory = try AppDatabaseTests.temporaryDirectory()
            return (try AppDatabase.open(dataDirectory: directory), { try? FileManager.default.removeItem(atPath: directory) })
        }
    }
}
