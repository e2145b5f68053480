import ArgumentParser
import Foundation

struct SipwardenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sipwarden",
        abstract: "SIPWarden: a SIP server built to be safe on the public internet.",
        discussion: """
            This build provides the SIP message layer: `sipwarden check` parses SIP messages \
            the way the server will, and explains why a message is refused.
            """,
        subcommands: [CheckCommand.self]
    )

    /// Runs the command; a usage error prints its message and exits with status 2.
    static func mainWithUsageStatus() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                StandardError.write(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}

enum StandardError {
    static func write(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
