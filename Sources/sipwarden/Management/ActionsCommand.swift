import ArgumentParser
import SIPWarden

struct ActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions",
        abstract: "Read the action log: blocks, unblocks, hang-ups and alerts of the fraud monitors, and operators' changes.",
        discussion: """
            Newest first. Dates are in UTC (2026-11-22, 2026-11-22T10:00:00Z); --from includes \
            its instant, --to excludes it.

            Exit status: 0 done, 2 usage error.
            """)

    @OptionGroup var options: ManagementOptions
    @Option(help: ArgumentHelp("Only entries at or after this date (UTC).", valueName: "date")) var from: String?
    @Option(help: ArgumentHelp("Only entries before this date (UTC).", valueName: "date")) var to: String?
    @Option(help: ArgumentHelp("At most this many entries, 1 to 10000 (default 50).", valueName: "n")) var limit: String?
    @Flag(help: "Print one JSON array.") var json = false

    func run() async throws {
        try await options.run("actions") { session throws(ManagementError) in
            try ActionLogCommands(session: session).list(from: from, to: to, limit: limit, json: json)
        }
    }
}
