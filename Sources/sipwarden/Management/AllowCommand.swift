import ArgumentParser
import SIPWarden

struct AllowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow",
        abstract: "Manage the allow-list: networks the Guard never bans.",
        discussion: """
            A network is an address (192.0.2.7) or ADDRESS/LENGTH (192.0.2.0/24, \
            2001:db8::/32). Adding a network does not lift the bans it overlaps; the output \
            names them.

            Exit status: 0 done, 1 refused (duplicate, not found), 2 usage error.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Allow a network.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The address or network.", valueName: "ip|cidr")) var network: String
        @Option(help: ArgumentHelp("What it is, for the record.", valueName: "text")) var note: String?

        func run() async throws {
            try await options.run("allow add") { session throws(ManagementError) in
                try AllowCommands(session: session).add(network, note: note)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List allowed networks.")

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("allow list") { session throws(ManagementError) in
                try AllowCommands(session: session).list(json: json)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a network from the allow-list.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The address or network, as listed.", valueName: "ip|cidr")) var network: String

        func run() async throws {
            try await options.run("allow remove") { session throws(ManagementError) in
                try AllowCommands(session: session).remove(network)
            }
        }
    }
}
