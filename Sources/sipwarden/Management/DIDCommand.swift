import ArgumentParser
import SIPWarden

struct DIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "did",
        abstract: "Manage DIDs: the numbers that ring devices.",
        discussion: """
            A number is digits with an optional leading +, at most 32 characters.

            Exit status: 0 done, 1 refused (not found, duplicate), 2 usage error.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Route a number to a device.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The number.", valueName: "number")) var number: String
        @Option(help: ArgumentHelp("The device it rings.", valueName: "username")) var device: String

        func run() async throws {
            try await options.run("did add") { session throws(ManagementError) in
                try DIDCommands(session: session).add(number: number, device: device)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List DIDs and their devices.")

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("did list") { session throws(ManagementError) in
                try DIDCommands(session: session).list(json: json)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a DID.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The number.", valueName: "number")) var number: String

        func run() async throws {
            try await options.run("did remove") { session throws(ManagementError) in
                try DIDCommands(session: session).remove(number: number)
            }
        }
    }
}
