import ArgumentParser
import SIPWarden

struct GuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "Look at the Guard: jails, scores, bans.",
        subcommands: [Status.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show the jails and the highest-scoring sources.",
            discussion: """
                From the snapshot the running server writes every few seconds: per jail its \
                mode, threshold and window, ban length, events counted, bans issued, bans an \
                observing jail would have issued, and its active bans (counted from the ban \
                table); then the sources with the highest scores.

                Exit status: 0 done, 1 no snapshot yet (the server is not running, or has \
                just started), 2 usage error.
                """)

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            try await options.run("guard status") { session throws(ManagementError) in
                try GuardStatusCommand(session: session).run(json: json)
            }
        }
    }
}
