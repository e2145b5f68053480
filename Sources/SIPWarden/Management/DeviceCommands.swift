import Foundation
import SIPCore
import Storage

/// `sipwarden device ...`: SIP identities. Only the HA1 values of a password are stored
/// (RFC 7616 §3.4.2), for MD5 and SHA-256 with the configured realm; a generated password
/// is printed once and never again. Each change is written to the action log in its own
/// transaction, with the device as `device show --json` prints it: no HA1, no password.
public struct DeviceCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    var policy: PasswordPolicy { PasswordPolicy(session.auth) }

    /// Without `settings.account`, the device gets a new account named after it, with the
    /// secure defaults (prepaid, no balance, no credit), in the same transaction.
    public func add(username: String, password source: PasswordSource, settings: DeviceSettings) throws(ManagementError) -> String {
        try Self.checkUsername(username)
        var device = Device(accountId: 0, username: username, realm: session.auth.realm, ha1MD5: "", ha1SHA256: "", createdAt: session.now)
        try apply(settings, to: &device)
        try checkAliases(of: device)
        var newAccount: Account?
        var accountName = username
        if let reference = settings.account {
            let account = try session.account(reference)
            device.accountId = account.id ?? 0
            accountName = account.name
        } else {
            if try session.storage({ try session.database.account(named: username) }) != nil {
                throw .refused("account \(username) already exists; to add the device to it, give --account \(username)")
            }
            newAccount = Account(name: username, createdAt: session.now)
        }
        if try session.storage({ try session.database.device(username: username) }) != nil {
            throw .refused("device \(username) already exists")
        }
        let password = try obtain(source, username: username)
        setPassword(password, of: &device)
        _ = try session.storage {
            try session.database.insert([DeviceProvision(device: device, newAccount: newAccount)]) { [accountName] created in
                created.first.map { device in
                    session.logEntry(
                        action: "device.add", target: "device \(username)", reason: newAccount == nil ? "" : "new account \(accountName)",
                        after: Self.json(device, accountName: accountName, registrations: 0, dids: []))
                }
            }
        }
        if source == .generate { return password + "\n" }
        let account = (newAccount == nil ? "account " : "new account ") + accountName
        return "added device \(username) (\(PrintableText.escape(account)))\n"
    }

    public func list(account reference: String?, json: Bool) throws(ManagementError) -> String {
        let accountID = try reference.map { (text: String) throws(ManagementError) -> Int64 in try session.account(text).id ?? 0 }
        let (devices, accounts, registrations, dids) = try session.storage {
            () throws -> ([Device], [Int64: String], [Int64: Int], [Int64: [String]]) in
            let database = session.database
            return (
                try database.devices(accountId: accountID),
                Dictionary(try database.accounts().map { ($0.id ?? 0, $0.name) }, uniquingKeysWith: { first, _ in first }),
                Dictionary(try database.registrations(deviceId: nil).map { ($0.deviceId, 1) }, uniquingKeysWith: +),
                Dictionary(grouping: try database.dids(), by: \.deviceId).mapValues { $0.map(\.number) }
            )
        }
        if json {
            return JSONValue.array(devices.map { device in
                let id = device.id ?? 0
                return Self.json(device, accountName: accounts[device.accountId] ?? "", registrations: registrations[id] ?? 0, dids: dids[id] ?? [])
            }).serialized() + "\n"
        }
        var table = TextTable(["USERNAME", "ACCOUNT", "CALLER-ID", "MAX-CONTACTS", "MAX-CALLS", "NETWORKS", "REGISTRATIONS"])
        for device in devices {
            table.append([
                device.username, accounts[device.accountId] ?? "", device.callerID ?? "-", String(device.maxContacts),
                String(device.maxConcurrentCalls), Self.networksText(device), String(registrations[device.id ?? 0] ?? 0),
            ])
        }
        return table.render()
    }

    public func show(username: String, json: Bool) throws(ManagementError) -> String {
        let device = try session.device(username)
        let (account, registrations, dids) = try context(of: device)
        let accountName = account?.name ?? ""
        if json { return Self.json(device, accountName: accountName, registrations: registrations, dids: dids).serialized() + "\n" }
        return TextTable.fields([
            ("id", String(device.id ?? 0)),
            ("username", device.username),
            ("account", "\(accountName) (id \(device.accountId))"),
            ("realm", device.realm + (device.realm == session.auth.realm ? "" : " (not the configured realm \(session.auth.realm): set the password again)")),
            ("password", "set (HA1 values only)"),
            ("caller id", device.callerID ?? "-"),
            ("caller id choice", device.callerIDChoice == .fixed ? "fixed: always its caller id" : "account: its caller id or a DID of its account"),
            ("max contacts", String(device.maxContacts)),
            ("max calls", String(device.maxConcurrentCalls)),
            ("allowed networks", Self.networksText(device)),
            ("aliases", device.aliases.isEmpty ? "none" : device.aliases.joined(separator: ", ")),
            ("registrations", String(registrations)),
            ("DIDs", dids.isEmpty ? "none" : dids.joined(separator: ", ")),
            ("created", device.createdAt.iso8601),
        ])
    }

    public func set(username: String, password source: PasswordSource?, settings: DeviceSettings) throws(ManagementError) -> String {
        if settings == DeviceSettings(), source == nil { throw .usage("nothing to change: give at least one option") }
        var device = try session.device(username)
        let (account, registrations, dids) = try context(of: device)
        let before = Self.json(device, accountName: account?.name ?? "", registrations: registrations, dids: dids)
        try apply(settings, to: &device)
        try checkAliases(of: device)
        var accountName = account?.name ?? ""
        if let reference = settings.account {
            let account = try session.account(reference)
            device.accountId = account.id ?? 0
            accountName = account.name
        }
        var password: String?
        if let source {
            let chosen = try obtain(source, username: username)
            setPassword(chosen, of: &device)
            password = chosen
        }
        var after = Self.json(device, accountName: accountName, registrations: registrations, dids: dids)
        // That it changed, never what to.
        if password != nil { after = after.replacing("password", with: .string("changed")) }
        let log = session.logEntry(action: "device.set", target: "device \(username)", before: before, after: after)
        try session.storage { try session.database.update(device, log: log) }
        if source == .generate, let password { return password + "\n" }
        return "updated device \(username)\n"
    }

    /// Its registrations and DIDs go with it; its account stays.
    public func remove(username: String) throws(ManagementError) -> String {
        let device = try session.device(username)
        let (account, registrations, dids) = try context(of: device)
        let log = session.logEntry(
            action: "device.remove", target: "device \(username)",
            before: Self.json(device, accountName: account?.name ?? "", registrations: registrations, dids: dids))
        try session.storage { try session.database.removeDevice(id: device.id ?? 0, log: log) }
        return "removed device \(username)\n"
    }

    /// What `show` prints beside the device itself: its account, registrations and DIDs.
    private func context(of device: Device) throws(ManagementError) -> (account: Account?, registrations: Int, dids: [String]) {
        try session.storage { () throws -> (Account?, Int, [String]) in
            (try session.database.account(id: device.accountId),
             try session.database.registrations(deviceId: device.id).count,
             try session.database.dids().filter { $0.deviceId == device.id }.map(\.number))
        }
    }

    // MARK: - Shared with DeviceImport

    static func checkUsername(_ username: String) throws(ManagementError) {
        if let problem = SIPUsername.problem(username) { throw .refused("username refused: \(problem)") }
    }

    /// The password from `source`, checked against the policy (a generated one always passes).
    func obtain(_ source: PasswordSource, username: String) throws(ManagementError) -> String {
        if source == .generate { return PasswordGenerator.generate(for: username, policy: policy) }
        let password = try source.read()
        if let problem = policy.problem(password: password, username: username) {
            throw .refused("password refused: \(problem)")
        }
        return password
    }

    /// RFC 7616 §3.4.2: HA1 = H(username ":" realm ":" password), for both algorithms the
    /// server may offer (RFC 8760), with the configured realm.
    func setPassword(_ password: String, of device: inout Device) {
        device.realm = session.auth.realm
        device.ha1MD5 = DigestCalculator.ha1(username: device.username, realm: device.realm, password: password, algorithm: .md5)
        device.ha1SHA256 = DigestCalculator.ha1(username: device.username, realm: device.realm, password: password, algorithm: .sha256)
    }

    func apply(_ settings: DeviceSettings, to device: inout Device) throws(ManagementError) {
        if let callerID = settings.callerID {
            let text = try OptionValue.headerText(callerID, option: "--caller-id", maximumLength: 64)
            // Written into From and P-Asserted-Identity as a URI user part, escaped there
            // (RFC 3261 §25.1): a number is what providers expect.
            device.callerID = text.isEmpty ? nil : text
        }
        if let text = settings.callerIDChoice {
            device.callerIDChoice = try OptionValue.choice(text, option: "--caller-id-choice")
        }
        if let text = settings.maxContacts {
            device.maxContacts = try OptionValue.integer(text, option: "--max-contacts", in: DeviceSettings.maxContactsRange)
        }
        if let text = settings.maxCalls {
            device.maxConcurrentCalls = try OptionValue.integer(text, option: "--max-calls", in: DeviceSettings.maxCallsRange)
        }
        if settings.clearAllowedNetworks, !settings.allowedNetworks.isEmpty {
            throw .usage("give --allowed-network or --clear-allowed-networks, not both")
        }
        if let text = settings.aliases { device.aliases = try Self.aliases(text) }
        if settings.clearAllowedNetworks { device.allowedNetworks = [] }
        if !settings.allowedNetworks.isEmpty {
            device.allowedNetworks = try OptionValue.networks(settings.allowedNetworks, option: "--allowed-network")
        }
    }

    /// `--aliases`: comma-separated RFC 3261 user parts, each at most once; empty clears.
    static func aliases(_ text: String) throws(ManagementError) -> [String] {
        var aliases: [String] = []
        for part in text.split(separator: ",") {
            let alias = part.trimmingCharacters(in: .whitespaces)
            guard !alias.isEmpty else { continue }
            if let problem = SIPUsername.problem(alias) { throw .usage("--aliases: \(PrintableText.escape(alias)): \(problem)") }
            if !aliases.contains(alias) { aliases.append(alias) }
        }
        guard aliases.count <= DeviceSettings.maxAliases else { throw .usage("--aliases: at most \(DeviceSettings.maxAliases) aliases") }
        return aliases
    }

    /// An extension rings one device: an alias may not be another device's username or alias,
    /// nor this device's own username.
    func checkAliases(of device: Device) throws(ManagementError) {
        guard !device.aliases.isEmpty else { return }
        if device.aliases.contains(device.username) { throw .refused("alias \(device.username) is the device's own username") }
        let others = try session.storage { try session.database.devices(accountId: nil) }.filter { $0.username != device.username }
        for alias in device.aliases {
            if let owner = others.first(where: { $0.username == alias || $0.aliases.contains(alias) }) {
                throw .refused("alias \(alias) already rings device \(owner.username)")
            }
        }
    }

    static func networksText(_ device: Device) -> String {
        device.allowedNetworks.isEmpty ? "anywhere" : device.allowedNetworks.joined(separator: ",")
    }

    static func json(_ device: Device, accountName: String, registrations: Int, dids: [String]) -> JSONValue {
        .object([
            ("id", .integer(device.id ?? 0)),
            ("username", .string(device.username)),
            ("accountId", .integer(device.accountId)),
            ("account", .string(accountName)),
            ("realm", .string(device.realm)),
            // Whether a password is set, never its HA1 values: an HA1 is as good as the
            // password for answering challenges of its realm (RFC 7616 §5.2).
            ("password", .string("set")),
            ("callerID", .string(device.callerID)),
            ("callerIDChoice", .string(device.callerIDChoice.rawValue)),
            ("maxContacts", .integer(device.maxContacts)),
            ("maxCalls", .integer(device.maxConcurrentCalls)),
            ("allowedNetworks", .array(device.allowedNetworks.map { .string($0) })),
            ("aliases", .array(device.aliases.map { .string($0) })),
            ("registrations", .integer(registrations)),
            ("dids", .array(dids.map { .string($0) })),
            ("createdAt", .string(device.createdAt.iso8601)),
        ])
    }
}
