import ArgumentParser
import SIPWarden

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse SIP messages from files and report whether each one is valid.",
        discussion: """
            Each FILE holds one SIP request or response, as it would arrive in a UDP datagram \
            (octets after Content-Length are ignored; without Content-Length the rest of the \
            file is the body). Every header SIPWarden knows and every URI is fully parsed.

            One line is printed per file:
              OK  <file>  <METHOD or status code>  <Call-ID>
              ERROR  <file>: <reason> (line L, column C)

            Exit status: 0 when every file is valid, 1 when any message is refused, \
            2 on a usage error (a missing or unreadable file, a bad option).
            """
    )

    @Flag(name: .long, help: "Print one JSON object per file instead of a text line.")
    var json = false

    @Argument(help: ArgumentHelp("SIP message files to check.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to check") }
    }

    func run() throws {
        var refused = false
        var unreadable = false
        for file in files {
            do {
                let result = try MessageCheck.check(file: file)
                print(json ? result.jsonLine : result.textLine)
                if !result.isAccepted { refused = true }
            } catch {
                StandardError.write("sipwarden check: \(error)")
                unreadable = true
            }
        }
        if unreadable { throw ExitCode(2) }
        if refused { throw ExitCode(1) }
    }
}
