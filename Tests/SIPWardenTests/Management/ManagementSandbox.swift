import Foundation
import SIPTestSupport
import Storage
import Testing

/// A temporary data directory for the management commands, run as the real binary; every
/// output is kept so that a test can check that no HA1 value was ever printed.
final class ManagementSandbox {
    let root: URL
    let binary: URL
    private(set) var outputs: [String] = []

    init() throws {
        binary = try ProcessRunner.product("sipwarden")
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-mgmt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Not created here: the commands must create it.
    var dataDirectory: String { root.appendingPathComponent("data").path }

    /// `sipwarden <arguments> --data-dir <sandbox>`, with `input` on standard input.
    @discardableResult
    func run(_ arguments: [String], input: String? = nil) throws -> ProcessRunner.Outcome {
        let outcome = try ProcessRunner.run(binary, arguments + ["--data-dir", dataDirectory], input: input, timeout: 60)
        outputs.append(outcome.standardOutput + outcome.standardError)
        return outcome
    }

    /// Runs a command that must succeed, and returns its standard output.
    @discardableResult
    func succeed(_ arguments: [String], input: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let outcome = try run(arguments, input: input)
        #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(outcome.standardError.isEmpty, "\(arguments)", sourceLocation: sourceLocation)
        return outcome.standardOutput
    }

    /// Runs a command that must fail with `status` and exactly the one error line given.
    func fail(_ arguments: [String], input: String? = nil, status: Int32, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try run(arguments, input: input)
        #expect(outcome.status == status, "\(arguments): \(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(outcome.standardError == message + "\n", sourceLocation: sourceLocation)
        #expect(outcome.standardOutput.isEmpty, sourceLocation: sourceLocation)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func database() throws -> AppDatabase {
        try AppDatabase.open(dataDirectory: dataDirectory)
    }

    /// The JSON printed by a `--json` command.
    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Fails if any output so far contains one of the stored HA1 values.
    func expectNoHA1Printed(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let database = try database()
        let devices = try database.devices(accountId: nil)
        let secrets = devices.flatMap { [$0.ha1MD5, $0.ha1SHA256] }
            + (try database.providers()).flatMap { [$0.registerHA1MD5, $0.registerHA1SHA256].compactMap { $0 } }
        for output in outputs {
            for secret in secrets where !secret.isEmpty {
                #expect(!output.lowercased().contains(secret), "an HA1 value was printed", sourceLocation: sourceLocation)
            }
        }
    }
}
