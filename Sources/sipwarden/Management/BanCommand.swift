import ArgumentParser
import SIPWarden

struct BanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ban",
        abstract: "Look at the Guard's bans, ban by hand, lift bans.",
        discussion: """
            A network is an address (192.0.2.7, 2001:db8::7) or ADDRESS/LENGTH \
            (192.0.2.0/24, 2001:db8:1:2::/64), kept in canonical form. Bans are never \
            deleted: a lifted or expired ban stays as history, and a network banned again \
            gets the next offense number. Reasons and evidence hold what attackers sent: \
            control and invisible characters are printed as \\u{...} escapes.

            Exit status: 0 done, 1 refused (nothing to lift, allow-listed, already banned), \
            2 usage error.
            """,
        subcommands: [List.self, Add.self, Remove.self, Explain.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List active bans, newest first.",
            discussion: "With --all, lifted and expired bans too, with their state.")

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Include lifted and expired bans.") var all = false
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("ban list") { session throws(ManagementError) in
                try BanCommands(session: session).list(all: all, json: json)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Ban an address or network by hand.",
            discussion: """
                The ban goes into the manual jail. Refused for a network that overlaps an \
                allowed network (sipwarden allow) and for one that already has an active \
                manual ban: remove that first to change it.
                """)

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The address or network.", valueName: "ip|cidr")) var network: String
        @Option(name: .customLong("for"), help: ArgumentHelp("How long: 30m, 12h, 7d, 2w or permanent (the default).", valueName: "duration"))
        var duration: String?
        @Option(help: ArgumentHelp("Why, for the record (default: \"banned by an operator\").", valueName: "text")) var reason: String?

        func run() async throws {
            try await options.run("ban add") { session throws(ManagementError) in
                try BanCommands(session: session).add(network, duration: duration, reason: reason)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Lift the active bans of an address or network.",
            discussion: """
                Lifts the active bans of exactly that network. For a single address with no \
                ban of its own, lifts the active bans of the networks that contain it (such \
                as an IPv6 /64) and says which.
                """)

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The address or network.", valueName: "ip|cidr")) var network: String

        func run() async throws {
            try await options.run("ban remove") { session throws(ManagementError) in
                try BanCommands(session: session).remove(network)
            }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain", abstract: "Say why an address is or was banned, with the evidence.",
            discussion: """
                Every ban whose network contains the address: active ones first, then the \
                history, newest first, each with the events that led to it (time, kind, \
                weight, source, username and the request's method, Request-URI, From, To, \
                Call-ID and User-Agent). Says first when the address is allow-listed.
                """)

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The address.", valueName: "ip")) var address: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            try await options.run("ban explain") { session throws(ManagementError) in
                try BanCommands(session: session).explain(address, json: json)
            }
        }
    }
}
