import ArgumentParser
import SIPWarden

struct RegistrationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registration",
        abstract: "Look at the registrar's bindings.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List registered contacts.",
            discussion: """
                One line per binding: username, contact, source (transport:ip:port), expiry \
                (UTC, and seconds left) and user agent, as the server last recorded them. \
                Contacts and user agents come from the devices: control and invisible \
                characters are printed as \\u{...} escapes.
                """)

        @OptionGroup var options: ManagementOptions
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            try await options.run("registration list") { session throws(ManagementError) in
                try RegistrationCommands(session: session).list(json: json)
            }
        }
    }
}
