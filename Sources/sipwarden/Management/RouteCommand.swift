import ArgumentParser
import SIPWarden

struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Manage outbound routes: which providers carry calls to a number prefix.",
        discussion: """
            Changes take effect within about a second, for new calls.

            A prefix is + and digits (+44; + alone for every international number), or a \
            national prefix of digits, * and # (020). Spaces, dashes, dots and parentheses \
            are dropped, and 0044 is stored as +44: numbers dialled with 00 or + are matched \
            in their + form. The longest prefix of a number wins; its providers are tried by \
            priority, lowest first.

            The number a provider receives is the dialled number in that form, with --strip \
            leading characters removed, then --add and the provider's tech prefix put in \
            front: --strip 1 --add 00 sends +442079460000 as 00442079460000. `route list` \
            shows an example for each route, and notes routes to high-risk destinations \
            (the built-in deny list), which are refused unless the account allows them.

            Exit status: 0 done, 1 refused (unknown provider, duplicate, not found), 2 usage error.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Route a number prefix to a provider.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The number prefix: +44, +, 020.", valueName: "prefix")) var prefix: String
        @Option(help: ArgumentHelp("The provider that carries the calls.", valueName: "name")) var provider: String
        @Option(help: ArgumentHelp("Order among the providers of the prefix, lowest first, 0 to 9999 (default 0).", valueName: "n"))
        var priority: String?
        @Option(help: ArgumentHelp("Leading characters of the number (in its + form) to remove, 0 to 32 (default 0).", valueName: "n"))
        var strip: String?
        @Option(help: ArgumentHelp("Put in front of the number after stripping: up to 16 digits, +, * or #.", valueName: "digits"))
        var add: String?

        func run() async throws {
            try await options.run("route add") { session throws(ManagementError) in
                try RouteCommands(session: session).add(prefix: prefix, provider: provider, priority: priority, strip: strip, add: add)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List routes, with what each provider receives for an example number.")

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("route list") { session throws(ManagementError) in
                try RouteCommands(session: session).list(json: json)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove the routes of a prefix: to one provider, or to all of them.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The number prefix.", valueName: "prefix")) var prefix: String
        @Option(help: ArgumentHelp("Only the route to this provider (default: every provider of the prefix).", valueName: "name"))
        var provider: String?

        func run() async throws {
            try await options.run("route remove") { session throws(ManagementError) in
                try RouteCommands(session: session).remove(prefix: prefix, provider: provider)
            }
        }
    }
}
