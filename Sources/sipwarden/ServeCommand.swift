import ArgumentParser
import SIPWarden

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the SIP server.",
        discussion: """
            With no configuration at all the server listens on UDP and TCP 127.0.0.1:5060 \
            (and TLS 127.0.0.1:5061 when a certificate is configured). Settings come from the \
            YAML file given with --config, overridden by SIPWARDEN_... environment variables \
            (SIPWARDEN_SIP_TCP_IDLE_TIMEOUT for sip.tcp.idle_timeout), overridden by these \
            options. Unknown keys and bad values stop the server with exit status 2.

            The data directory holds the database (accounts, devices, providers, DIDs, \
            routes, rates, registrations, call records, bans, the allow-list, console users \
            and API keys; managed with the other `sipwarden` commands and the web console, \
            changes picked up within about a second) and the nonce secret, both created on \
            first start.

            The Guard (intrusion prevention) is on by default with the jails of docs/guard.md: \
            banned sources are dropped before parsing; 127.0.0.1 and ::1 are trusted (never \
            banned). `sipwarden ban explain IP` says why a source is banned.

            The web console (and the JSON API under /api/v1) listens on 127.0.0.1:8080. It has \
            no default password: create the first admin with `sipwarden admin create NAME`, or \
            open the one-time setup link that serve prints while no admin exists.

            SIGTERM and SIGINT shut down gracefully; SIGHUP reloads the log level.
            """
    )

    @Option(name: .long, help: ArgumentHelp("YAML configuration file.", valueName: "file"))
    var config: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory for everything the server writes.", valueName: "dir"))
    var dataDirectory = "./sipwarden-data"

    @Option(
        name: .customLong("listen"),
        help: ArgumentHelp(
            "A SIP listener, TRANSPORT:HOST:PORT (udp, tcp, tls; IPv6 in brackets). Repeatable; replaces the configured listeners.",
            valueName: "transport:host:port"))
    var listen: [String] = []

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(
        name: .customLong("console-listen"),
        help: ArgumentHelp("HOST:PORT of the web console, the JSON API and the event channel (default 127.0.0.1:8080); empty: none.", valueName: "host:port"))
    var consoleListen: String?

    func run() async throws {
        do {
            try await ServeRunner.run(
                .init(configFile: config, dataDirectory: dataDirectory, listen: listen, logLevel: logLevel, consoleListen: consoleListen))
        } catch let error as ServeRunner.StartupError {
            StandardError.write(error.description)
            throw ExitCode(2)
        }
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with configuration files.",
        subcommands: [ConfigCheckCommand.self]
    )
}

struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration file.",
        discussion: """
            Prints each problem as `key: problem` and exits with status 1, or prints \
            `OK  <file>` and exits with status 0. Exit status 2: the file cannot be read.
            """
    )

    @Argument(help: ArgumentHelp("The YAML configuration file.", valueName: "file"))
    var file: String

    func run() async throws {
        let problems = await ConfigurationLoader.check(file: file)
        if problems.isEmpty {
            print("OK  \(file)")
            return
        }
        // A file that cannot be read is a usage error (standard error, status 2); the problems
        // of a file that was read are the command's findings (standard output, status 1).
        if problems.contains(where: { $0.key == "(file)" && $0.message.hasPrefix("cannot read") }) {
            StandardError.write("\(file): \(problems[0].message)")
            throw ExitCode(2)
        }
        for problem in problems {
            print("\(file): \(problem)")
        }
        throw ExitCode(1)
    }
}
