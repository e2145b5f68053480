import Foundation
import Storage

/// `sipwarden account ...`: the paying customers. Each method returns what the command
/// prints on standard output; each change is written to the action log in its own transaction.
public struct AccountCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// Option values as typed; nil when not given.
    public struct Changes: Sendable, Equatable {
        public var name: String?
        public var billing: String?
        public var creditLimit: String?
        public var balance: String?
        public var blockReason: String?
        public var unblock = false
        public var maxCalls: String?
        /// Seconds, or `none` for the server's global limit.
        public var maxCallDuration: String?
        /// Comma-separated prefixes; empty clears.
        public var allowPrefixes: String?
        public var denyPrefixes: String?
        /// `allow` or `deny` (REFER).
        public var transfers: String?

        public init(name: String? = nil, billing: String? = nil, creditLimit: String? = nil, balance: String? = nil,
                    blockReason: String? = nil, unblock: Bool = false, maxCalls: String? = nil, maxCallDuration: String? = nil,
                    allowPrefixes: String? = nil, denyPrefixes: String? = nil, transfers: String? = nil) {
            self.name = name
            self.billing = billing
            self.creditLimit = creditLimit
            self.balance = balance
            self.blockReason = blockReason
            self.unblock = unblock
            self.maxCalls = maxCalls
            self.maxCallDuration = maxCallDuration
            self.allowPrefixes = allowPrefixes
            self.transfers = transfers
            self.denyPrefixes = denyPrefixes
        }
    }

    static let maxCallsRange = 0...10_000
    /// A day: a longer call is a line left open (or a fraud) more often than a real call.
    static let maxCallDurationRange = 1...86_400

    /// A new account: prepaid, zero balance, no credit unless the options say otherwise.
    public func add(name: String, changes: Changes) throws(ManagementError) -> String {
        var account = Account(name: try Self.checkedName(name, option: "NAME"), createdAt: session.now)
        try apply(changes, to: &account)
        let stored = try session.storage {
            try session.database.insert(account) { stored in
                session.logEntry(action: "account.add", target: AppDatabase.accountTarget(stored), after: Self.json(stored, devices: 0))
            }
        }
        return "added account \(PrintableText.escape(stored.name)) (id \(stored.id ?? 0))\n"
    }

    public func list(json: Bool) throws(ManagementError) -> String {
        let (accounts, deviceCounts) = try session.storage { () throws -> ([Account], [Int64: Int]) in
            let devices = try session.database.devices(accountId: nil)
            return (try session.database.accounts(), Dictionary(devices.map { ($0.accountId, 1) }, uniquingKeysWith: +))
        }
        if json {
            return JSONValue.array(accounts.map { Self.json($0, devices: deviceCounts[$0.id ?? 0] ?? 0) }).serialized() + "\n"
        }
        var table = TextTable(["ID", "NAME", "BILLING", "BALANCE", "CREDIT-LIMIT", "BLOCKED", "DEVICES"])
        for account in accounts {
            table.append([
                String(account.id ?? 0), account.name, account.billing.rawValue,
                MoneyAmount.format(micros: account.balanceMicros), MoneyAmount.format(micros: account.creditLimitMicros),
                Self.blockedText(account), String(deviceCounts[account.id ?? 0] ?? 0),
            ])
        }
        return table.render()
    }

    public func show(_ reference: String, json: Bool) throws(ManagementError) -> String {
        let account = try session.account(reference)
        let devices = try session.storage { try session.database.devices(accountId: account.id) }
        if json { return Self.json(account, devices: devices.count).serialized() + "\n" }
        return TextTable.fields([
            ("id", String(account.id ?? 0)),
            ("name", account.name),
            ("billing", account.billing.rawValue),
            ("balance", MoneyAmount.format(micros: account.balanceMicros)),
            ("credit limit", MoneyAmount.format(micros: account.creditLimitMicros)),
            ("blocked", Self.blockedText(account)),
            ("max calls", String(account.maxConcurrentCalls)),
            ("max call duration", account.maxCallSeconds.map { "\($0) s" } ?? "server limit"),
            ("allowed prefixes", account.allowedPrefixes.isEmpty ? "any" : account.allowedPrefixes.joined(separator: ", ")),
            ("denied prefixes", account.deniedPrefixes.isEmpty ? "none" : account.deniedPrefixes.joined(separator: ", ")),
            ("transfers", account.allowsTransfers ? "allowed (billed to this account)" : "refused"),
            ("devices", devices.isEmpty ? "none" : devices.map(\.username).joined(separator: ", ")),
            ("created", account.createdAt.iso8601),
        ])
    }

    public func set(_ reference: String, changes: Changes) throws(ManagementError) -> String {
        if changes == Changes() { throw .usage("nothing to change: give at least one option") }
        var account = try session.account(reference)
        let before = account
        if let name = changes.name { account.name = try Self.checkedName(name, option: "--name") }
        try apply(changes, to: &account)
        let log = try logEntry(action: "account.set", from: before, to: account)
        try session.storage { try session.database.update(account, log: log) }
        return "updated account \(PrintableText.escape(account.name))\n"
    }

    /// Lifts a block (an operator's, or one a fraud monitor placed): the account's devices
    /// may call again at once (the server picks the change up within about a second).
    public func unblock(_ reference: String, reason: String?) throws(ManagementError) -> String {
        var account = try session.account(reference)
        guard account.blocked else { throw .refused("account \(PrintableText.escape(account.name)) is not blocked") }
        let why = try reason.map { text throws(ManagementError) in try OptionValue.headerText(text, option: "--reason", maximumLength: 200) }
        let before = account
        account.blocked = false
        account.blockedReason = nil
        account.blockedUntil = nil
        let log = try logEntry(action: "account.unblock", from: before, to: account, reason: why)
        try session.storage { try session.database.update(account, log: log) }
        return "unblocked account \(PrintableText.escape(account.name)) (was: \(PrintableText.escape(before.blockedReason ?? "")))\n"
    }

    /// The action log line of a change: `action`, unless the change blocks or unblocks the
    /// account, which is logged as `account.block` or `account.unblock` with the block's
    /// reason (or the one given for lifting it), the same actions as the fraud monitors' blocks.
    private func logEntry(action: String, from before: Account, to after: Account, reason: String? = nil) throws(ManagementError) -> ActionLogEntry {
        let devices = try session.storage { try session.database.devices(accountId: after.id).count }
        var action = action
        var why = ""
        if before.blocked != after.blocked {
            action = after.blocked ? "account.block" : "account.unblock"
            why = after.blocked ? (after.blockedReason ?? "") : (reason ?? "lifted by an operator")
        }
        return session.logEntry(
            action: action, target: AppDatabase.accountTarget(after), reason: why, before: Self.json(before, devices: devices),
            after: Self.json(after, devices: devices))
    }

    /// Refused while devices belong to the account: their calls would lose their billing.
    public func remove(_ reference: String) throws(ManagementError) -> String {
        let account = try session.account(reference)
        let devices = try session.storage { try session.database.devices(accountId: account.id) }
        if !devices.isEmpty {
            let names = devices.prefix(5).map(\.username).joined(separator: ", ") + (devices.count > 5 ? ", ..." : "")
            throw .refused(
                "account \(account.name) still has \(devices.count) device\(devices.count == 1 ? "" : "s") (\(names)); remove or move \(devices.count == 1 ? "it" : "them") first")
        }
        let log = session.logEntry(action: "account.remove", target: AppDatabase.accountTarget(account), before: Self.json(account, devices: 0))
        try session.storage { try session.database.removeAccount(id: account.id ?? 0, log: log) }
        return "removed account \(PrintableText.escape(account.name))\n"
    }

    private func apply(_ changes: Changes, to account: inout Account) throws(ManagementError) {
        if let billing = changes.billing { account.billing = try OptionValue.choice(billing, option: "--billing") }
        if let limit = changes.creditLimit {
            account.creditLimitMicros = try OptionValue.amount(limit, option: "--credit-limit", allowNegative: false)
        }
        if let balance = changes.balance {
            account.balanceMicros = try OptionValue.amount(balance, option: "--balance", allowNegative: true)
        }
        if changes.unblock, changes.blockReason != nil { throw .usage("give --block or --unblock, not both") }
        if let reason = changes.blockReason {
            let reason = try OptionValue.headerText(reason, option: "--block", maximumLength: 200)
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw .usage("--block: give a reason") }
            account.blocked = true
            account.blockedReason = reason
            account.blockedUntil = nil
        }
        if changes.unblock {
            account.blocked = false
            account.blockedReason = nil
            account.blockedUntil = nil
        }
        if let text = changes.maxCalls {
            account.maxConcurrentCalls = try OptionValue.integer(text, option: "--max-calls", in: Self.maxCallsRange)
        }
        if let text = changes.maxCallDuration {
            if text == "none" {
                account.maxCallSeconds = nil
            } else if text.allSatisfy(\.isASCIIDigit), !text.isEmpty {
                account.maxCallSeconds = try OptionValue.integer(text, option: "--max-call-duration", in: Self.maxCallDurationRange)
            } else {
                let range = Self.maxCallDurationRange
                throw .usage("--max-call-duration: expected seconds (\(range.lowerBound) to \(range.upperBound)) or none, got \"\(PrintableText.escape(text))\"")
            }
        }
        if let text = changes.allowPrefixes { account.allowedPrefixes = try OptionValue.prefixes(text, option: "--allow-prefixes") }
        if let text = changes.denyPrefixes { account.deniedPrefixes = try OptionValue.prefixes(text, option: "--deny-prefixes") }
        if let text = changes.transfers {
            let choice: TransferChoice = try OptionValue.choice(text, option: "--transfers")
            account.allowsTransfers = choice == .allow
        }
    }

    /// `--transfers`: whether the account's devices may transfer calls (REFER).
    enum TransferChoice: String, CaseIterable {
        case allow, deny
    }

    /// Names appear in listings and logs: printable, trimmed, at most 64 characters.
    static func checkedName(_ name: String, option: String) throws(ManagementError) -> String {
        let name = try OptionValue.headerText(name, option: option, maximumLength: 64)
        guard !name.isEmpty, name.trimmingCharacters(in: .whitespaces) == name else {
            throw .usage("\(option): a name must not be empty nor start or end with a space")
        }
        return name
    }

    static func blockedText(_ account: Account) -> String {
        guard account.blocked else { return "no" }
        let until = account.blockedUntil.map { " (until \($0.iso8601))" } ?? ""
        return "yes\(until): " + (account.blockedReason ?? "")
    }

    static func json(_ account: Account, devices: Int) -> JSONValue {
        .object([
            ("id", .integer(account.id ?? 0)),
            ("name", .string(account.name)),
            ("billing", .string(account.billing.rawValue)),
            ("balance", .string(MoneyAmount.format(micros: account.balanceMicros))),
            ("balanceMicros", .integer(account.balanceMicros)),
            ("creditLimit", .string(MoneyAmount.format(micros: account.creditLimitMicros))),
            ("creditLimitMicros", .integer(account.creditLimitMicros)),
            ("blocked", .bool(account.blocked)),
            ("blockedReason", .string(account.blockedReason)),
            ("blockedUntil", .string(account.blockedUntil.map(\.iso8601))),
            ("maxCalls", .integer(account.maxConcurrentCalls)),
            ("maxCallSeconds", .integer(account.maxCallSeconds)),
            ("allowedPrefixes", .array(account.allowedPrefixes.map { .string($0) })),
            ("deniedPrefixes", .array(account.deniedPrefixes.map { .string($0) })),
            ("allowsTransfers", .bool(account.allowsTransfers)),
            ("devices", .integer(devices)),
            ("createdAt", .string(account.createdAt.iso8601)),
        ])
    }
}
