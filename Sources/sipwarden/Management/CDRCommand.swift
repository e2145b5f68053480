import ArgumentParser
import SIPWarden

struct CDRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdr",
        abstract: "Read call records: every call the server finished, answered or not.",
        discussion: """
            Records are listed newest first. Dates are in UTC: 2026-11-22 (midnight), \
            2026-11-22T10:00:00Z or 2026-11-22 10:00:00; --from includes its instant, --to \
            excludes it, so consecutive periods never share a record.

            A record keeps the headers the caller sent (From, To, Contact, User-Agent): the \
            table, show and --csv print control characters as \\u{...} escapes (and a \
            backslash as \\\\), and --csv defuses fields a spreadsheet would run as \
            formulas by putting ' in front of them.

            Exit status: 0 done, 1 refused (unknown account or device, no such record), 2 usage error.
            """,
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List call records, newest first.")

        @OptionGroup var options: ManagementOptions
        @Option(help: ArgumentHelp("Only calls started at or after this date (UTC).", valueName: "date")) var from: String?
        @Option(help: ArgumentHelp("Only calls started before this date (UTC).", valueName: "date")) var to: String?
        @Option(help: ArgumentHelp("Only the calls of this account (name or id).", valueName: "name|id")) var account: String?
        @Option(help: ArgumentHelp("Only the calls of this device.", valueName: "username")) var device: String?
        @Option(help: ArgumentHelp("Only calls that ended for this cause.", valueName: "cause")) var cause: String?
        @Option(help: ArgumentHelp("At most this many records, 1 to 10000 (default 50).", valueName: "n")) var limit: String?
        @Flag(help: "Print one JSON array with every field.") var json = false
        @Flag(help: "Print CSV (RFC 4180) with a header row and every field.") var csv = false

        func run() async throws {
            try await options.run("cdr list") { session throws(ManagementError) in
                try CDRCommands(session: session).list(.init(
                    from: from, to: to, account: account, device: device, cause: cause, limit: limit, json: json, csv: csv))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one call record with every field and the providers tried.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The record's id, as `cdr list` shows it.", valueName: "id")) var id: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            try await options.run("cdr show") { session throws(ManagementError) in
                try CDRCommands(session: session).show(id, json: json)
            }
        }
    }
}
