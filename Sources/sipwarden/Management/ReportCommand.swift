import ArgumentParser
import SIPWarden

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Figures over a period: calls, devices online, security, cost.",
        discussion: """
            Every report is computed from what the data directory stores (call records, bans, \
            unidentified attempts, online samples) over --from (included) to --to (excluded), \
            at most 366 days, in UTC hours or days (--by). Dates are in UTC as `cdr list` \
            reads them: 2026-11-22 (midnight), 2026-11-22T10:00:00Z or 2026-11-22 10:00:00. \
            Every bucket of the period is listed, empty ones included; a figure that cannot \
            be computed (no attempts, no samples) is - in a table, null in JSON and empty in \
            CSV. See docs/reports.md.

            Sources and names are printed with control characters as \\u{...} escapes; --csv \
            defuses fields a spreadsheet would run as formulas.

            Exit status: 0 done, 1 failed (the database, or a country database that no longer opens), 2 usage error.
            """,
        subcommands: [Calls.self, Online.self, Security.self, Cost.self]
    )

    /// The period, the buckets and the output form: the options of every report.
    struct PeriodOptions: ParsableArguments {
        @Option(help: ArgumentHelp("Start of the period, included (UTC; required).", valueName: "date")) var from: String?
        @Option(help: ArgumentHelp("End of the period, excluded (UTC; required).", valueName: "date")) var to: String?
        @Option(help: ArgumentHelp("Bucket size: hour (default) or day, in UTC.", valueName: "hour|day")) var by: String?
        @Flag(help: "Print one JSON object.") var json = false
        @Flag(help: "Print CSV (RFC 4180), each row's section in the first column.") var csv = false

        var values: ReportCommands.Options { .init(from: from, to: to, by: by, json: json, csv: csv) }
    }

    struct Calls: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calls", abstract: "Attempts, ringing, answered, ASR, ACD and minutes per bucket, provider and account.",
            discussion: """
                attempts: call records of a device, a provider or a guest (an unidentified \
                caller's refused INVITE is in the security report instead); ringing: attempts \
                that rang or were answered; answered: attempts with an answer time. ASR = \
                answered / attempts x 100 (one decimal); ACD = answered duration / answered, in \
                seconds (one decimal); minutes = answered duration / 60 (two decimals); average \
                minutes = minutes / answered. No attempts or no answers: -.

                A call is counted in the bucket it started in, under its provider (for a call \
                out, the provider it ended on, else the last one tried; for a call in, the \
                provider it came from; (local) otherwise) and its account ((none) without one, \
                #ID for a removed one).
                """)

        @OptionGroup var options: ManagementOptions
        @OptionGroup var period: PeriodOptions

        func run() async throws {
            try await options.run("report calls") { session throws(ManagementError) in
                try ReportCommands(session: session).calls(period.values)
            }
        }
    }

    struct Online: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "online", abstract: "Devices online per bucket: fewest, most, average; most bindings.",
            discussion: """
                From the samples the server takes of registered devices and bindings. A bucket \
                without samples (the server was not running) shows -, not 0.
                """)

        @OptionGroup var options: ManagementOptions
        @OptionGroup var period: PeriodOptions

        func run() async throws {
            try await options.run("report online") { session throws(ManagementError) in
                try ReportCommands(session: session).online(period.values)
            }
        }
    }

    struct Security: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "security", abstract: "Bans per jail, top sources and countries, unidentified attempts, auth failures.",
            discussion: """
                From bans started in the period and unidentified attempts (requests no device, \
                provider or guest could be found for). Auth failures are the unidentified \
                attempts that named a user (wrong credentials). A source's total is its \
                unidentified attempts plus the bans of that address (a wider banned network is \
                a source of its own); the ten highest are listed, then the ten countries with \
                the highest totals when guard.countries.database names a country database.
                """)

        @OptionGroup var options: ManagementOptions
        @OptionGroup var period: PeriodOptions

        func run() async throws {
            try await options.run("report security") { session throws(ManagementError) in
                try ReportCommands(session: session).security(period.values)
            }
        }
    }

    struct Cost: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cost", abstract: "Calls answered, billable minutes and cost per bucket and account.",
            discussion: """
                From the charges the call records carry: billable minutes = billable seconds / \
                60 (two decimals), cost as charged. Per account, only the buckets with an \
                answered call, billable time or a cost are listed.
                """)

        @OptionGroup var options: ManagementOptions
        @OptionGroup var period: PeriodOptions

        func run() async throws {
            try await options.run("report cost") { session throws(ManagementError) in
                try ReportCommands(session: session).cost(period.values)
            }
        }
    }
}
