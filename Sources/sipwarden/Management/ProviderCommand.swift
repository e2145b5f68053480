import ArgumentParser
import SIPWarden

struct ProviderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider",
        abstract: "Manage providers: the carriers calls come from and go to.",
        discussion: """
            A provider is identified by the source address of its requests (--identification \
            ip, the default), or the server registers to it (--identification registration), \
            which needs --register-username and the password on standard input or in a file. \
            Only the password's HA1 values for --register-realm (default: the first host) \
            are stored. A provider is named by its NAME or its numeric ID (a matching name wins).

            Exit status: 0 done, 1 refused (not found, duplicate), 2 usage error.
            """,
        subcommands: [Add.self, List.self, Show.self, Update.self, Remove.self, Status.self]
    )

    /// The registration password: a carrier's, so no policy and nothing generated.
    struct PasswordOptions: ParsableArguments {
        @Flag(name: .customLong("password-stdin"), help: "Read the registration password from the first line of standard input.")
        var standardInput = false
        @Option(name: .customLong("password-file"), help: ArgumentHelp("Read the registration password from the first line of a file.", valueName: "file"))
        var file: String?

        func source() throws(ManagementError) -> PasswordSource? {
            try PasswordSource.choose(standardInput: standardInput, file: file, generate: false, generateAllowed: false, required: false)
        }
    }

    struct SettingOptions: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("An IP address or host name (repeatable; on set, replaces the list).", valueName: "host"))
        var host: [String] = []
        @Option(help: ArgumentHelp("Its SIP port, or any (default: any for ip, 5060 or 5061 with tls for registration).", valueName: "n|any"))
        var port: String?
        @Option(help: ArgumentHelp("udp (default), tcp or tls.", valueName: "transport")) var transport: String?
        @Option(name: .customLong("tech-prefix"), help: ArgumentHelp("Digits put before the numbers sent to it.", valueName: "prefix"))
        var techPrefix: String?
        @Option(help: ArgumentHelp("ip (default) or registration.", valueName: "how")) var identification: String?
        @Option(name: .customLong("register-username"), help: ArgumentHelp("Username to register with.", valueName: "user"))
        var registerUsername: String?
        @Option(name: .customLong("register-realm"), help: ArgumentHelp("The realm of its challenges (default: the first host).", valueName: "realm"))
        var registerRealm: String?
        @Option(name: .customLong("register-expires"), help: ArgumentHelp("Seconds a registration asks for, 60-86400 (default 3600).", valueName: "s"))
        var registerExpires: String?
        @Option(name: .customLong("register-call-id"), help: ArgumentHelp("keep (default) or new: the Call-ID of refreshes.", valueName: "keep|new"))
        var registerCallID: String?
        @Option(
            name: .customLong("trusted-identity"),
            help: ArgumentHelp("yes (default) or no: whether it is in the RFC 3325 trust domain (gets P-Asserted-Identity, and its own is believed).", valueName: "yes|no"))
        var trustedIdentity: String?

        func settings(name: String? = nil, enabled: Bool?) -> ProviderSettings {
            ProviderSettings(
                name: name, hosts: host, port: port, transport: transport, techPrefix: techPrefix, identification: identification,
                registerUsername: registerUsername, registerRealm: registerRealm, registerExpires: registerExpires,
                registerCallID: registerCallID, enabled: enabled, trustedIdentity: trustedIdentity)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a provider.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The provider's name (unique).", valueName: "name")) var name: String
        @OptionGroup var settings: SettingOptions
        @OptionGroup var password: PasswordOptions
        @Flag(help: "Create it disabled.") var disabled = false

        func run() async throws {
            try await options.run("provider add") { session throws(ManagementError) in
                try ProviderCommands(session: session).add(
                    name: name, settings: settings.settings(enabled: !disabled), password: try password.source())
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List providers.")

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("provider list") { session throws(ManagementError) in
                try ProviderCommands(session: session).list(json: json)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one provider.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The provider's name or id.", valueName: "name|id")) var provider: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            try await options.run("provider show") { session throws(ManagementError) in
                try ProviderCommands(session: session).show(provider, json: json)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Change a provider.",
            discussion: """
                Only the options given change. Changing the register username or realm needs \
                the password again; switching to --identification ip forgets the credentials.
                """)

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The provider's name or id.", valueName: "name|id")) var provider: String
        @Option(help: ArgumentHelp("A new name.", valueName: "name")) var name: String?
        @OptionGroup var settings: SettingOptions
        @OptionGroup var password: PasswordOptions
        @Flag(help: "Enable it.") var enable = false
        @Flag(help: "Disable it.") var disable = false

        func run() async throws {
            try await options.run("provider set") { session throws(ManagementError) in
                if enable, disable { throw .usage("give --enable or --disable, not both") }
                return try ProviderCommands(session: session).set(
                    provider, settings: settings.settings(name: name, enabled: enable ? true : disable ? false : nil),
                    password: try password.source())
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a provider.")

        @OptionGroup var options: ManagementOptions
        @Argument(help: ArgumentHelp("The provider's name or id.", valueName: "name|id")) var provider: String

        func run() async throws {
            try await options.run("provider remove") { session throws(ManagementError) in
                try ProviderCommands(session: session).remove(provider)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show how the server's registration to each provider stands.",
            discussion: """
                The state is the one the running server last recorded: registering, \
                registered, failed or disabled; "not registering" for providers identified \
                by IP, "no status yet" when the server has recorded none.
                """)

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("provider status") { session throws(ManagementError) in
                try ProviderStatusCommand(session: session).run(json: json)
            }
        }
    }
}
