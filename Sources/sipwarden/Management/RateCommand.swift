import ArgumentParser
import SIPWarden

struct RateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate",
        abstract: "Manage call rates: what calls to a number prefix cost.",
        discussion: """
            Outbound calls are priced by the longest matching rate; a destination without \
            one is refused (cause no-rate). Changes take effect within about a second.

            A prefix is written as for routes (+44, + alone, or a national prefix like 020; \
            0044 is stored as +44). A rate without --account is the default for every \
            account; an account's own rate of a prefix replaces the default of that prefix.

            Prices are per minute, in currency units with up to six decimal places (0.012). \
            An answered call is billed for at least --minimum seconds, in steps of \
            --increment seconds (60: per started minute), plus the connection fee.

            Exit status: 0 done, 1 refused (unknown account, duplicate, not found), 2 usage error.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a rate for a number prefix.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The number prefix: +44, +, 020.", valueName: "prefix")) var prefix: String
        // Unconditional, so that a negative amount gets the amount's own message.
        @Option(parsing: .unconditional, help: ArgumentHelp("Price per minute.", valueName: "amount")) var price: String
        @Option(name: .customLong("connection-fee"), parsing: .unconditional, help: ArgumentHelp("Charged once per answered call (default 0).", valueName: "amount"))
        var connectionFee: String?
        @Option(help: ArgumentHelp("Billing step in seconds, 1 to 3600 (default 1).", valueName: "seconds")) var increment: String?
        @Option(help: ArgumentHelp("Shortest billed duration of an answered call, 0 to 3600 (default 0).", valueName: "seconds"))
        var minimum: String?
        @Option(help: ArgumentHelp("The account (name or id) the rate is for (default: every account).", valueName: "name|id"))
        var account: String?

        func run() async throws {
            try await options.run("rate add") { session throws(ManagementError) in
                try RateCommands(session: session).add(
                    prefix: prefix, pricing: .init(price: price, connectionFee: connectionFee, increment: increment, minimum: minimum),
                    account: account)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List rates, the defaults first.")

        @OptionGroup var options: ManagementOptions
        @Option(help: ArgumentHelp("Only this account's own rates (default: every rate).", valueName: "name|id")) var account: String?
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("rate list") { session throws(ManagementError) in
                try RateCommands(session: session).list(account: account, json: json)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a rate.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The rate's id, as `rate list` shows it.", valueName: "id")) var id: String

        func run() async throws {
            try await options.run("rate remove") { session throws(ManagementError) in
                try RateCommands(session: session).remove(id)
            }
        }
    }
}
