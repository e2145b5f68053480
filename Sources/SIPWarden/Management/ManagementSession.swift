public import Foundation
public import Storage

/// What every management command works with: the database of the data directory and the
/// configuration the server reads (for the realm and the password policy, and the country
/// database the security report places sources with), and who is working: every change a
/// command makes is written to the action log with `actor` and `source`.
public struct ManagementSession: Sendable {
    public let database: AppDatabase
    public let auth: AuthSettings
    /// The time written into new rows and used for "seconds left".
    public let now: Date
    /// `guard.countries.database`: the `.mmdb` file the configuration names, already
    /// checked to open as a country database when the configuration was loaded.
    public let countryDatabase: String?
    /// Who makes the changes: `cli`, or a console user or API key (`console:alice`).
    public var actor: String
    /// Where from: `local` for the command line, else the address of the console's client.
    public var source: String

    public init(
        database: AppDatabase, auth: AuthSettings, now: Date, countryDatabase: String? = nil, actor: String = "cli",
        source: String = "local"
    ) {
        self.database = database
        self.auth = auth
        self.now = now
        self.countryDatabase = countryDatabase
        self.actor = actor
        self.source = source
    }

    /// Loads the configuration exactly as `serve` does, then creates the data directory
    /// (owner-only) if needed and opens its database. A bad configuration or data directory
    /// is a usage error.
    public static func open(
        dataDirectory: String, configFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(ManagementError) -> ManagementSession {
        let configuration: ServerConfiguration
        do throws(ConfigurationError) {
            configuration = try await ConfigurationLoader.load(file: configFile, environment: environment)
        } catch {
            throw .usage("configuration error: " + error.problems.map(\.description).joined(separator: "; "))
        }
        do throws(ServeRunner.StartupError) {
            try ServeRunner.prepareDataDirectory(dataDirectory)
        } catch {
            throw .usage(error.description)
        }
        do {
            return ManagementSession(
                database: try AppDatabase.open(dataDirectory: dataDirectory), auth: configuration.auth, now: Date(),
                countryDatabase: configuration.guardSettings.countries.database)
        } catch {
            throw .failed("cannot open the database in \(dataDirectory): \(error)")
        }
    }

    /// Runs a database operation; its refusals become `.refused` with the repository's
    /// wording, anything else `.failed`.
    func storage<Value>(_ body: () throws -> Value) throws(ManagementError) -> Value {
        do {
            return try body()
        } catch let error as StorageError {
            throw .refused(error.description)
        } catch let error as ManagementError {
            throw error
        } catch {
            throw .failed("database error: \(error)")
        }
    }

    /// An action log line of this session's actor and source, at `now`. `before` and `after`
    /// are the object as the command's `--json` output shows it (never a password, an HA1
    /// value or an API key), stored as JSON text under `details["before"]` and
    /// `details["after"]`. Text is stored as given and escaped when shown.
    func logEntry(
        action: String, target: String, reason: String = "", before: JSONValue? = nil, after: JSONValue? = nil,
        details: [String: ActionLogValue] = [:], hackingAttempt: Bool = false
    ) -> ActionLogEntry {
        var details = details
        if let before { details["before"] = .text(before.serialized()) }
        if let after { details["after"] = .text(after.serialized()) }
        return ActionLogEntry(
            at: now, actor: actor, source: source, action: action, target: target, reason: reason, details: details,
            hackingAttempt: hackingAttempt)
    }

    /// Writes an action log line on its own. The commands' changes pass theirs to the
    /// repository instead (`logEntry`), which writes it in the change's own transaction;
    /// this is for what is not a change of stored data, such as a refused console login.
    public func record(
        action: String, target: String, reason: String = "", before: JSONValue? = nil, after: JSONValue? = nil,
        hackingAttempt: Bool = false
    ) throws(ManagementError) {
        let entry = logEntry(action: action, target: target, reason: reason, before: before, after: after, hackingAttempt: hackingAttempt)
        _ = try storage { try database.insert(entry) }
    }

    /// The account named `reference`, or else the one with that id: an exact name wins, so
    /// an account named "42" is still reachable by name.
    func account(_ reference: String) throws(ManagementError) -> Account {
        let found = try storage { () throws -> Account? in
            if let account = try database.account(named: reference) { return account }
            if let id = Int64(reference), reference.allSatisfy(\.isASCIIDigit) { return try database.account(id: id) }
            return nil
        }
        guard let found else { throw .refused("account \(PrintableText.escape(reference)) not found") }
        return found
    }

    func device(_ username: String) throws(ManagementError) -> Device {
        guard let device = try storage({ try database.device(username: username) }) else {
            throw .refused("device \(PrintableText.escape(username)) not found")
        }
        return device
    }

    /// The provider named `reference`, or else the one with that id.
    func provider(_ reference: String) throws(ManagementError) -> Provider {
        let found = try storage { () throws -> Provider? in
            if let provider = try database.provider(named: reference) { return provider }
            if let id = Int64(reference), reference.allSatisfy(\.isASCIIDigit) { return try database.provider(id: id) }
            return nil
        }
        guard let found else { throw .refused("provider \(reference) not found") }
        return found
    }
}

extension Date {
    /// ISO 8601 in UTC, to the second: `2026-09-21T10:00:00Z`.
    var iso8601: String { formatted(.iso8601) }
}
