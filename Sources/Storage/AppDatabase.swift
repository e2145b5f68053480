import GRDB
import Foundation

/// The one database of a SIPWarden data directory: SQLite in WAL mode, so that the management
/// commands can write while the server reads. Every schema change is a named migration in
/// `AppDatabase+Migrations.swift`; a shipped migration is never edited.
public struct AppDatabase: Sendable {
    /// The file inside the data directory.
    public static let fileName = "sipwarden.sqlite"

    let writer: any DatabaseWriter

    /// Opens (creating it if needed) the database of `dataDirectory` and migrates it.
    public static func open(dataDirectory: String) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A second process (the CLI while the server runs) waits for the lock instead of failing.
        configuration.busyMode = .timeout(5)
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let pool = try DatabasePool(path: path, configuration: configuration)
        return try AppDatabase(pool)
    }

    /// An in-memory database (tests).
    public static func inMemory() throws -> AppDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        return try AppDatabase(DatabaseQueue(configuration: configuration))
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// The names of the migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// The SQLite journal mode ("wal" for a file database).
    public func journalMode() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// A number that changes when another connection (another process: the CLI while the
    /// server runs) commits a change to the database; the server polls it to know when to
    /// reload what it caches. Commits made through this `AppDatabase` do not change it.
    ///
    /// SQLite's `PRAGMA data_version` is per connection and only comparable on the same
    /// connection, so it is read on the writer connection (a pool's readers are many);
    /// in WAL mode it sees commits of other processes, and it costs no I/O beyond the
    /// WAL index check every read does.
    public func dataVersion() throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}
