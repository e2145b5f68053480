import Foundation
import SIPCore
import Storage

/// `sipwarden device import FILE`: many devices from a SIPp injection file, as the load
/// tests need them. Every line is checked before anything is written, then all devices go in
/// one transaction, with the one action log line of the import: a file is imported whole or
/// not at all.
public struct DeviceImport: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// At most this many line problems are reported; the rest are counted.
    static let reportedProblems = 20

    /// Imports `path`; without `accountReference` each device gets its own new account named
    /// after it, with the secure defaults. `maxCalls` (the text of `--max-calls`) sets every
    /// device's concurrent-call limit instead of the default.
    public func run(path: String, account accountReference: String?, maxCalls: String? = nil) throws(ManagementError) -> String {
        let maxConcurrentCalls = try maxCalls.map { (text: String) throws(ManagementError) -> Int in
            try OptionValue.integer(text, option: "--max-calls", in: DeviceSettings.maxCallsRange)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .usage("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw .usage("\(path) is not UTF-8 text") }
        let entries: [InjectionFile.Entry]
        do throws(InjectionFileError) {
            entries = try InjectionFile(parsing: text).entries
        } catch {
            throw Self.refusal(path, error.problems)
        }
        guard !entries.isEmpty else { throw .refused("\(path) has no username;password lines") }

        let sharedAccount = try accountReference.map { (reference: String) throws(ManagementError) -> Account in try session.account(reference) }
        let (usernames, accountNames) = try session.storage { () throws -> (Set<String>, Set<String>) in
            (Set(try session.database.devices(accountId: nil).map(\.username)), Set(try session.database.accounts().map(\.name)))
        }
        let commands = DeviceCommands(session: session)
        var problems: [InjectionFile.LineProblem] = []
        var firstLine: [String: Int] = [:]
        var provisions: [DeviceProvision] = []
        provisions.reserveCapacity(entries.count)
        for entry in entries {
            func refuse(_ message: String) { problems.append(.init(line: entry.line, message: message)) }
            if let problem = SIPUsername.problem(entry.username) {
                refuse(problem)
                continue
            }
            if let previous = firstLine[entry.username] {
                refuse("username \(entry.username) repeats line \(previous)")
                continue
            }
            firstLine[entry.username] = entry.line
            if usernames.contains(entry.username) { refuse("device \(entry.username) already exists") }
            if sharedAccount == nil, accountNames.contains(entry.username) { refuse("account \(entry.username) already exists") }
            // The reasons never quote the password, so they can be printed.
            if let problem = commands.policy.problem(password: entry.password, username: entry.username) {
                refuse("password refused: \(problem)")
            }
            guard problems.isEmpty else { continue }
            var device = Device(
                accountId: sharedAccount?.id ?? 0, username: entry.username, realm: session.auth.realm, ha1MD5: "", ha1SHA256: "",
                createdAt: session.now)
            commands.setPassword(entry.password, of: &device)
            if let maxConcurrentCalls { device.maxConcurrentCalls = maxConcurrentCalls }
            provisions.append(DeviceProvision(
                device: device, newAccount: sharedAccount == nil ? Account(name: entry.username, createdAt: session.now) : nil))
        }
        guard problems.isEmpty else { throw Self.refusal(path, problems) }
        // One line for the file, naming every device (a load test's thousands included) but
        // not each one's JSON: the passwords are neither here nor anywhere in the log.
        let after = JSONValue.object([
            ("devices", .integer(provisions.count)),
            ("account", .string(sharedAccount?.name)),
            ("maxCalls", .integer(maxConcurrentCalls)),
            ("usernames", .array(provisions.map { .string($0.device.username) })),
        ])
        let log = session.logEntry(action: "device.import", target: "devices from \(path)", after: after)
        _ = try session.storage { try session.database.insert(provisions) { _ in log } }
        let target = sharedAccount.map { "into account \($0.name)" } ?? "each with its own new account"
        return "imported \(provisions.count) device\(provisions.count == 1 ? "" : "s") \(PrintableText.escape(target))\n"
    }

    /// One message for every bad line (`FILE:LINE: problem`, one per line of output), capped.
    static func refusal(_ path: String, _ problems: [InjectionFile.LineProblem]) -> ManagementError {
        var lines = problems.prefix(reportedProblems).map { "\(path):\($0.line): \(PrintableText.escape($0.message))" }
        if problems.count > reportedProblems { lines.append("... and \(problems.count - reportedProblems) more lines refused") }
        lines.append("nothing was imported")
        return .refused(lines.joined(separator: "\n"))
    }
}
