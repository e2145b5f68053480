import ArgumentParser
import SIPWarden

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage web console users: admins, read-only operators and customers.",
        discussion: """
            There is no default password. `create` prints a one-time password it made, or \
            reads one from standard input (--password-stdin; 12+ characters with letters, \
            digits and other characters). Only a bcrypt hash is stored. Every user sets up \
            TOTP two-factor login at the first login.

            Exit status: 0 done, 1 refused (duplicate, not found, weak password), 2 usage error.
            """,
        subcommands: [Create.self, List.self, Remove.self, ResetTwoFactor.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a console user (an admin unless --role says otherwise).")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The user name: letters, digits, '.', '_', '-', '@'.", valueName: "name")) var name: String
        @Option(help: ArgumentHelp("admin, operator (reads only) or customer (default admin).", valueName: "role")) var role: String?
        @Option(help: ArgumentHelp("A customer's account, by name or id.", valueName: "account")) var account: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input instead of making one.")
        var standardInput = false

        func run() async throws {
            try await options.run("admin create") { session throws(ManagementError) in
                try ConsoleUserCommands(session: session).create(name, role: role, account: account, password: standardInput ? .standardInput : nil)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List console users, their roles and last logins.")

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("admin list") { session throws(ManagementError) in
                try ConsoleUserCommands(session: session).list(json: json)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a console user; its sessions end.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The user name.", valueName: "name")) var name: String

        func run() async throws {
            try await options.run("admin remove") { session throws(ManagementError) in
                try ConsoleUserCommands(session: session).remove(name)
            }
        }
    }

    struct ResetTwoFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-2fa", abstract: "For a lost phone: the user sets up two-factor login again at the next login.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The user name.", valueName: "name")) var name: String

        func run() async throws {
            try await options.run("admin reset-2fa") { session throws(ManagementError) in
                try ConsoleUserCommands(session: session).resetTwoFactor(name)
            }
        }
    }
}
