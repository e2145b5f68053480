import ArgumentParser
import SIPWarden

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Manage devices: the SIP identities that register and call.",
        discussion: """
            Only digest HA1 values (MD5 and SHA-256, for the configured auth.realm) are \
            stored, never a password; changing the realm means setting every password again. \
            Passwords must satisfy auth.password (by default at least 12 characters with \
            letters, digits and other characters) and must not be or contain the username.

            Exit status: 0 done, 1 refused (not found, duplicate, weak password), 2 usage error.
            """,
        subcommands: [Add.self, List.self, Show.self, Update.self, Remove.self, Import.self]
    )

    /// The limits and networks shared by add and set.
    struct SettingOptions: ParsableArguments {
        @Option(
            name: .customLong("caller-id"),
            help: ArgumentHelp("The number presented for its calls to providers (empty to clear: a DID of its own or of its account).", valueName: "number"))
        var callerID: String?
        @Option(
            name: .customLong("caller-id-choice"),
            help: ArgumentHelp("account (default): it may present its caller ID or any DID of its account; fixed: always its caller ID.", valueName: "account|fixed"))
        var callerIDChoice: String?
        @Option(name: .customLong("max-contacts"), help: ArgumentHelp("Contacts it may register at once, 1-100 (3 for a new device).", valueName: "n"))
        var maxContacts: String?
        @Option(
            name: .customLong("allowed-network"),
            help: ArgumentHelp("A network it may register and call from, like 192.0.2.0/24 or 2001:db8::/32 (repeatable; none: anywhere).", valueName: "cidr"))
        var allowedNetworks: [String] = []
        @Option(name: .customLong("max-calls"), help: ArgumentHelp("Calls it may have at once, 0-1000 (2 for a new device).", valueName: "n"))
        var maxCalls: String?
        @Option(
            name: .customLong("aliases"),
            help: ArgumentHelp("Other extensions that ring it, comma-separated, like 1001,200 (at most 20; empty to clear).", valueName: "list"))
        var aliases: String?

        func settings(account: String?, clearAllowedNetworks: Bool = false) -> DeviceSettings {
            DeviceSettings(
                account: account, callerID: callerID, maxContacts: maxContacts, allowedNetworks: allowedNetworks,
                clearAllowedNetworks: clearAllowedNetworks, maxCalls: maxCalls, aliases: aliases, callerIDChoice: callerIDChoice)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Create a device.",
            discussion: """
                Exactly one of --password-stdin, --password-file and --generate is required. \
                With --generate, the password is the only thing printed. Without --account, \
                a new account named after the device is created (prepaid, zero balance, no \
                credit).
                """)

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The SIP username (an RFC 3261 user part, at most 64 characters).", valueName: "username"))
        var username: String
        @Option(help: ArgumentHelp("The account (name or id) it belongs to.", valueName: "name|id")) var account: String?
        @OptionGroup var password: PasswordOptions
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            try await options.run("device add") { session throws(ManagementError) in
                guard let source = try password.source(required: true) else { return "" }
                return try DeviceCommands(session: session).add(username: username, password: source, settings: settings.settings(account: account))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List devices.")

        @OptionGroup var options: ManagementOptions
        @Option(help: ArgumentHelp("Only the devices of this account (name or id).", valueName: "name|id")) var account: String?
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("device list") { session throws(ManagementError) in
                try DeviceCommands(session: session).list(account: account, json: json)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one device with its account, networks, registrations and DIDs.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The SIP username (case-sensitive).", valueName: "username")) var username: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            try await options.run("device show") { session throws(ManagementError) in
                try DeviceCommands(session: session).show(username: username, json: json)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Change a device.",
            discussion: """
                Only the options given change; --allowed-network replaces the list. With \
                --generate, the new password is the only thing printed.
                """)

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The SIP username (case-sensitive).", valueName: "username")) var username: String
        @Option(help: ArgumentHelp("Move it to this account (name or id).", valueName: "name|id")) var account: String?
        @OptionGroup var password: PasswordOptions
        @OptionGroup var settings: SettingOptions
        @Flag(name: .customLong("clear-allowed-networks"), help: "Let it register and call from anywhere.")
        var clearAllowedNetworks = false

        func run() async throws {
            try await options.run("device set") { session throws(ManagementError) in
                try DeviceCommands(session: session).set(
                    username: username, password: try password.source(required: false),
                    settings: settings.settings(account: account, clearAllowedNetworks: clearAllowedNetworks))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove a device with its registrations and DIDs (its account stays).")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The SIP username (case-sensitive).", valueName: "username")) var username: String

        func run() async throws {
            try await options.run("device remove") { session throws(ManagementError) in
                try DeviceCommands(session: session).remove(username: username)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Create many devices from a SIPp injection file.",
            discussion: """
                The file may start with a SEQUENTIAL, RANDOM or USER line; then one \
                username;password per line. Lines starting with # and blank lines are \
                skipped. Every line is checked first; the devices are created all together, \
                or none when any line is refused (each refused line is reported as \
                FILE:LINE: reason). Without --account, each device gets its own new account \
                named after it.
                """)

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The injection file.", valueName: "file")) var file: String
        @Option(help: ArgumentHelp("Put every device in this account (name or id).", valueName: "name|id")) var account: String?
        @Option(name: .customLong("max-calls"), help: ArgumentHelp("Calls each device may have at once, 0-1000 (2 by default).", valueName: "n"))
        var maxCalls: String?

        func run() async throws {
            try await options.run("device import") { session throws(ManagementError) in
                try DeviceImport(session: session).run(path: file, account: account, maxCalls: maxCalls)
            }
        }
    }
}
