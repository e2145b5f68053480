import ArgumentParser
import Foundation

struct SipwardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sipwarden",
        abstract: "SIPWarden: a SIP server built to be safe on the public internet.",
        discussion: """
            `sipwarden serve` runs the server; `sipwarden check` parses SIP messages the way \
            the server does and explains why a message is refused; `sipwarden config check` \
            validates a configuration file.

            `sipwarden account`, `device`, `provider`, `did`, `route`, `rate` and \
            `registration` manage the database in the data directory (--data-dir), also \
            while the server runs: it picks changes up within about a second, sends \
            outbound calls through the routes (a prefix's providers in priority order, with \
            failover), prices them by the rates, and holds calls to the accounts' and \
            devices' concurrent-call limits. `ban`, `allow` and `guard` do the same for \
            intrusion prevention, and `cdr` reads the call records. `report` computes \
            figures over a period: calls (ASR, ACD, minutes), devices online, security and \
            cost. `admin` manages the web console's users, `apikey` the keys of the JSON \
            API and the live event channel, and `actions` reads the action log (fraud \
            blocks, alerts, operators' changes).
            """,
        subcommands: [
            ServeCommand.self, CheckCommand.self, ConfigCommand.self,
            AccountCommand.self, DeviceCommand.self, ProviderCommand.self, DIDCommand.self, RouteCommand.self, RateCommand.self,
            RegistrationCommand.self, CDRCommand.self, ReportCommand.self,
            BanCommand.self, AllowCommand.self, GuardCommand.self,
            APIKeyCommand.self, ActionsCommand.self, AdminCommand.self,
        ]
    )

    /// Runs the command; a usage error prints its message and exits with status 2.
    static func mainWithUsageStatus() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                StandardError.write(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}

enum StandardError {
    static func write(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
