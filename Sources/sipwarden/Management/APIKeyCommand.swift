import ArgumentParser
import SIPWarden

struct APIKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey",
        abstract: "Manage API keys: what clients of the JSON API and the live event channel authenticate with.",
        discussion: """
            A key is printed once, when it is made; only its SHA-256 is stored. Clients send \
            it as `Authorization: Bearer KEY`. Roles: admin, operator (read-only).

            Exit status: 0 done, 1 refused (duplicate, not found), 2 usage error.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Make a key and print it.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("A name for the key (who or what uses it).", valueName: "name")) var name: String
        @Option(help: ArgumentHelp("admin or operator (default operator).", valueName: "role")) var role: String?

        func run() async throws {
            try await options.run("apikey add") { session throws(ManagementError) in
                try APIKeyCommands(session: session).add(name, role: role)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (names and roles, never the keys).")

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("apikey list") { session throws(ManagementError) in
                try APIKeyCommands(session: session).list(json: json)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a key: clients using it are refused from then on.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The key's name.", valueName: "name")) var name: String

        func run() async throws {
            try await options.run("apikey remove") { session throws(ManagementError) in
                try APIKeyCommands(session: session).remove(name)
            }
        }
    }
}
