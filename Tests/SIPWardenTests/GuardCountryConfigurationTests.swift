import Foundation
import Guard
import SIPTestSupport
import Testing
@testable import SIPWarden

/// `guard.countries` as the configuration reads it: country rules without a usable country
/// database, or with a code that is not a country, are refused when the file is loaded (and
/// by `sipwarden config check`), never silently ignored.
@Suite("Configuration: guard.countries")
struct GuardCountryConfigurationTests {
    /// A GeoLite2-Country-shaped database (or another type) in a temporary file.
    static func withDatabase<T>(type: String = "GeoLite2-Country", _ body: (String) async throws -> T) async throws -> T {
        try await TemporaryDatabaseFile.withFile(CountryRulesDatabase.bytes(databaseType: type), body)
    }

    @Test("a complete section is read: database, mode, codes uppercased, exceptions, unknown")
    func readsTheSection() async throws {
        try await Self.withDatabase { path in
            let yaml = CountryRulesDatabase.yaml(database: path, mode: "allow", list: ["fr", "BE"], exceptions: ["192.0.2.0/24"], unknown: "refuse")
            let countries = try await GuardConfigurationFile.load(yaml).guardSettings.countries
            #expect(countries.database == path)
            #expect(countries.mode == .allow)
            #expect(countries.countries == ["FR", "BE"])
            #expect(countries.exceptions == [try GuardNetwork(parsing: "192.0.2.0/24")])
            #expect(countries.admitUnknown == false)
            #expect(countries.isActive)
        }
    }

    @Test("country rules without a database are refused (guard.countries.list)", arguments: ["deny", "allow"])
    func rulesWithoutADatabase(mode: String) async throws {
        let problems = try await GuardConfigurationFile.problems(CountryRulesDatabase.yaml(database: nil, mode: mode, list: ["CN"]))
        #expect(problems.map(\.key) == ["guard.countries.list"], "\(problems)")
        #expect(problems.first?.message.hasPrefix("country rules need guard.countries.database") == true, "\(problems)")
    }

    @Test("a database that does not exist is refused (guard.countries.database), naming the file")
    func missingDatabase() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-absent-\(UUID().uuidString)/GeoLite2-Country.mmdb").path
        let problems = try await GuardConfigurationFile.problems(CountryRulesDatabase.yaml(database: path, list: ["CN"]))
        #expect(problems.map(\.key) == ["guard.countries.database"], "\(problems)")
        let message = try #require(problems.first?.message)
        #expect(message.hasPrefix("\(path): cannot read MaxMind DB file \(path)"), "\(message)")
    }

    /// What people point the setting at by mistake: the CSV edition, a gzip archive, an
    /// empty file.
    @Test("a file that is not a .mmdb is refused (guard.countries.database), naming the file", arguments: [
        ("csv", Array("network,geoname_id,registered_country_geoname_id\n1.0.0.0/24,2077456,2077456\n".utf8)),
        ("mmdb.gz", [0x1F, 0x8B, 0x08, 0x00] + [UInt8](repeating: 0, count: 60)),
        ("mmdb", []),
    ] as [(String, [UInt8])])
    func notAnMMDB(fileExtension: String, bytes: [UInt8]) async throws {
        try await TemporaryDatabaseFile.withFile(bytes, fileExtension: fileExtension) { path in
            let problems = try await GuardConfigurationFile.problems(CountryRulesDatabase.yaml(database: path, list: ["CN"]))
            #expect(problems.map(\.key) == ["guard.countries.database"], "\(problems)")
            #expect(problems.first?.message == "\(path): MaxMind DB metadata marker not found in the last 128 KiB: not a .mmdb file or truncated")
        }
    }

    @Test("a MaxMind database that is not a country or city database is refused", arguments: ["GeoLite2-ASN", "DBIP-ASN-Lite", "GeoIP2-Anonymous-IP"])
    func notACountryDatabase(type: String) async throws {
        try await Self.withDatabase(type: type) { path in
            let problems = try await GuardConfigurationFile.problems(CountryRulesDatabase.yaml(database: path, list: ["CN"]))
            #expect(problems.map(\.key) == ["guard.countries.database"], "\(problems)")
            #expect(problems.first?.message == "\(path) is a \(type) database, not a country database")
        }
    }

    @Test("country and city databases are accepted", arguments: ["GeoLite2-Country", "GeoLite2-City", "GeoIP2-Country", "DBIP-Country-Lite", "DBIP-City-Lite"])
    func countryDatabases(type: String) async throws {
        try await Self.withDatabase(type: type) { path in
            let problems = try await GuardConfigurationFile.problems(CountryRulesDatabase.yaml(database: path, list: ["CN"]))
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("a code that is not ISO 3166-1 alpha-2 is refused (guard.countries.list)", arguments: ["FRA", "F", "F1", "ÉS"])
    func badCountryCode(code: String) async throws {
        try await Self.withDatabase { path in
            let problems = try await GuardConfigurationFile.problems(CountryRulesDatabase.yaml(database: path, list: ["CN", "\"\(code)\""]))
            #expect(problems.map(\.key) == ["guard.countries.list"], "\(problems)")
            #expect(problems.first?.message == "\"\(code)\" is not an ISO 3166-1 alpha-2 code (two letters, such as FR)")
        }
    }

    @Test("mode and unknown take only their documented values")
    func badChoices() async throws {
        try await Self.withDatabase { path in
            let problems = try await GuardConfigurationFile.problems(CountryRulesDatabase.yaml(database: path, mode: "block", list: ["CN"], unknown: "drop"))
            #expect(Set(problems.map(\.key)) == ["guard.countries.mode", "guard.countries.unknown"], "\(problems)")
            #expect(problems.first { $0.key == "guard.countries.mode" }?.message == "expected one of allow, deny, got \"block\"")
            #expect(problems.first { $0.key == "guard.countries.unknown" }?.message == "expected one of admit, refuse, got \"drop\"")
        }
    }

    @Test("`sipwarden config check` prints each country problem with its key and exits 1; a good section prints OK")
    func configCheck() async throws {
        let binary = try ProcessRunner.product("sipwarden")
        let absent = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-absent-\(UUID().uuidString).mmdb").path
        let missing = try GuardConfigurationFile.write(CountryRulesDatabase.yaml(database: absent, list: ["CN", "FRA"]), suffix: "yaml")
        defer { try? FileManager.default.removeItem(atPath: missing) }
        let outcome = try ProcessRunner.run(binary, ["config", "check", missing], timeout: 30)
        #expect(outcome.status == 1, "\(outcome.standardError)")
        #expect(outcome.lines.count == 2, "\(outcome.lines)")
        #expect(outcome.lines.contains("\(missing): guard.countries.list: \"FRA\" is not an ISO 3166-1 alpha-2 code (two letters, such as FR)"), "\(outcome.lines)")
        #expect(outcome.lines.contains { $0.hasPrefix("\(missing): guard.countries.database: \(absent): cannot read MaxMind DB file \(absent)") }, "\(outcome.lines)")

        let noDatabase = try GuardConfigurationFile.write(CountryRulesDatabase.yaml(database: nil, list: ["CN"]), suffix: "yaml")
        defer { try? FileManager.default.removeItem(atPath: noDatabase) }
        let refused = try ProcessRunner.run(binary, ["config", "check", noDatabase], timeout: 30)
        #expect(refused.status == 1)
        #expect(refused.lines == ["\(noDatabase): guard.countries.list: country rules need guard.countries.database (a .mmdb file); without it they cannot be applied"])

        try await Self.withDatabase(type: "GeoLite2-ASN") { database in
            let file = try GuardConfigurationFile.write(CountryRulesDatabase.yaml(database: database, list: ["CN"]), suffix: "yaml")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let asn = try ProcessRunner.run(binary, ["config", "check", file], timeout: 30)
            #expect(asn.status == 1)
            #expect(asn.lines == ["\(file): guard.countries.database: \(database) is a GeoLite2-ASN database, not a country database"])
        }

        try await Self.withDatabase { database in
            let file = try GuardConfigurationFile.write(
                CountryRulesDatabase.yaml(database: database, mode: "deny", list: ["CN"], exceptions: ["127.0.0.4/32"]), suffix: "yaml")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let good = try ProcessRunner.run(binary, ["config", "check", file], timeout: 30)
            #expect(good.status == 0, "\(good.standardOutput)\(good.standardError)")
            #expect(good.standardOutput == "OK  \(file)\n")
        }
    }
}
