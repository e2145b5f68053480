import ArgumentParser
import SIPWarden

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Manage accounts: who pays for the calls of their devices.",
        discussion: """
            An account is named by its NAME or its numeric ID (a matching name wins). New \
            accounts are prepaid with a zero balance and no credit unless told otherwise. \
            Amounts are in currency units with up to six decimal places, like 12.50.

            Exit status: 0 done, 1 refused (not found, duplicate, in use), 2 usage error.
            """,
        subcommands: [Add.self, List.self, Show.self, Update.self, Unblock.self, Remove.self]
    )

    /// The call limits shared by add and set.
    struct LimitOptions: ParsableArguments {
        // Unconditional, so that -1 gets the range message rather than "missing value".
        @Option(name: .customLong("max-calls"), parsing: .unconditional, help: ArgumentHelp("Calls its devices may have at once, 0-10000 (10 for a new account).", valueName: "n"))
        var maxCalls: String?
        @Option(
            name: .customLong("max-call-duration"),
            help: ArgumentHelp("The longest a call may last, 1-86400 seconds, or none for the server's limit (the default).", valueName: "seconds"))
        var maxCallDuration: String?
        @Option(
            name: .customLong("allow-prefixes"),
            help: ArgumentHelp("Comma-separated number prefixes its calls may reach, like +44,+33 (empty: any the deny lists leave).", valueName: "list"))
        var allowPrefixes: String?
        @Option(
            name: .customLong("deny-prefixes"),
            help: ArgumentHelp("Comma-separated number prefixes its calls may not reach (empty: none).", valueName: "list"))
        var denyPrefixes: String?
        @Option(
            name: .customLong("transfers"),
            help: ArgumentHelp("allow or deny (the default): whether its devices may transfer calls (REFER); a transferred call is billed to this account.", valueName: "allow|deny"))
        var transfers: String?

        func apply(to changes: AccountCommands.Changes) -> AccountCommands.Changes {
            var changes = changes
            changes.maxCalls = maxCalls
            changes.maxCallDuration = maxCallDuration
            changes.allowPrefixes = allowPrefixes
            changes.denyPrefixes = denyPrefixes
            changes.transfers = transfers
            return changes
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Create an account.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The account's name (unique).", valueName: "name")) var name: String
        @Option(help: ArgumentHelp("prepaid (default) or postpaid.", valueName: "billing")) var billing: String?
        @Option(name: .customLong("credit-limit"), parsing: .unconditional, help: ArgumentHelp("How far below zero a postpaid account may go (default 0).", valueName: "amount"))
        var creditLimit: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("Starting balance, may be negative (default 0).", valueName: "amount")) var balance: String?
        @OptionGroup var limits: LimitOptions

        func run() async throws {
            try await options.run("account add") { session throws(ManagementError) in
                try AccountCommands(session: session).add(
                    name: name, changes: limits.apply(to: .init(billing: billing, creditLimit: creditLimit, balance: balance)))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts with their balance and device count.")

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("account list") { session throws(ManagementError) in
                try AccountCommands(session: session).list(json: json)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one account and its devices.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The account's name or id.", valueName: "name|id")) var account: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            try await options.run("account show") { session throws(ManagementError) in
                try AccountCommands(session: session).show(account, json: json)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Change an account.",
            discussion: "Only the options given change.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The account's name or id.", valueName: "name|id")) var account: String
        @Option(help: ArgumentHelp("A new name.", valueName: "name")) var name: String?
        @Option(help: ArgumentHelp("prepaid or postpaid.", valueName: "billing")) var billing: String?
        @Option(name: .customLong("credit-limit"), parsing: .unconditional, help: ArgumentHelp("How far below zero a postpaid account may go.", valueName: "amount"))
        var creditLimit: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("The balance, may be negative (replaces it).", valueName: "amount")) var balance: String?
        @Option(help: ArgumentHelp("Block the account, saying why.", valueName: "reason")) var block: String?
        @Flag(help: "Unblock the account.") var unblock = false
        @OptionGroup var limits: LimitOptions

        func run() async throws {
            try await options.run("account set") { session throws(ManagementError) in
                try AccountCommands(session: session).set(
                    account,
                    changes: limits.apply(to: .init(
                        name: name, billing: billing, creditLimit: creditLimit, balance: balance, blockReason: block, unblock: unblock)))
            }
        }
    }

    struct Unblock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unblock", abstract: "Lift an account's block (an operator's or a fraud monitor's).",
            discussion: "The server lets the account's devices call again within about a second. The action log keeps who lifted it and why.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The account's name or id.", valueName: "name|id")) var account: String
        @Option(help: ArgumentHelp("Why (kept in the action log).", valueName: "text")) var reason: String?

        func run() async throws {
            try await options.run("account unblock") { session throws(ManagementError) in
                try AccountCommands(session: session).unblock(account, reason: reason)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove an account that has no devices left.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The account's name or id.", valueName: "name|id")) var account: String

        func run() async throws {
            try await options.run("account remove") { session throws(ManagementError) in
                try AccountCommands(session: session).remove(account)
            }
        }
    }
}
