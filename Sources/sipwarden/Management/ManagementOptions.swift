import ArgumentParser
import SIPWarden

/// The options of every management command: where the database is, and the configuration
/// whose realm and password policy apply (the same file `serve` reads).
struct ManagementOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The server's data directory (created, owner-only, if missing).", valueName: "dir"))
    var dataDirectory = "./sipwarden-data"

    @Option(name: .long, help: ArgumentHelp("YAML configuration file, for auth.realm and auth.password.", valueName: "file"))
    var config: String?

    /// Opens the session, runs `body` and prints what it returns; a refusal is printed as
    /// `sipwarden <command>: <message>` on standard error with its exit status.
    func run(_ command: String, _ body: (ManagementSession) throws(ManagementError) -> String) async throws {
        do throws(ManagementError) {
            let session = try await ManagementSession.open(dataDirectory: dataDirectory, configFile: config)
            print(try body(session), terminator: "")
        } catch {
            for line in error.description.split(separator: "\n", omittingEmptySubsequences: false) {
                StandardError.write("sipwarden \(command): \(line)")
            }
            throw ExitCode(error.exitStatus)
        }
    }
}

/// Where a device's SIP password comes from: never an option value, which would end up in
/// shell history and in `ps` listings.
struct PasswordOptions: ParsableArguments {
    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
    var standardInput = false

    @Option(name: .customLong("password-file"), help: ArgumentHelp("Read the password from the first line of a file.", valueName: "file"))
    var file: String?

    @Flag(name: .long, help: "Generate a strong random password and print it, once, on standard output.")
    var generate = false

    func source(required: Bool) throws(ManagementError) -> PasswordSource? {
        try PasswordSource.choose(standardInput: standardInput, file: file, generate: generate, required: required)
    }
}
