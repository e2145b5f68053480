import Foundation
import SIPCore
import Storage

/// `sipwarden provider ...`: carriers. For a provider the server registers to, only the HA1
/// values of the registration password are kept (RFC 7616 §3.4.2), made with its realm. Each
/// change is written to the action log in its own transaction, with the provider as
/// `provider show --json` prints it: whether a password is set, never the password nor an HA1.
public struct ProviderCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    public func add(name: String, settings: ProviderSettings, password source: PasswordSource?) throws(ManagementError) -> String {
        var provider = Provider(name: try AccountCommands.checkedName(name, option: "NAME"), hosts: [], createdAt: session.now)
        guard !settings.hosts.isEmpty else { throw .usage("give at least one --host") }
        try apply(settings, to: &provider, password: source, isNew: true)
        let stored = try session.storage {
            try session.database.insert(provider) { stored in
                session.logEntry(action: "provider.add", target: Self.target(stored), after: Self.json(stored))
            }
        }
        return "added provider \(PrintableText.escape(stored.name)) (id \(stored.id ?? 0))\n"
    }

    public func list(json: Bool) throws(ManagementError) -> String {
        let providers = try session.storage { try session.database.providers() }
        if json { return JSONValue.array(providers.map(Self.json)).serialized() + "\n" }
        var table = TextTable(["ID", "NAME", "HOSTS", "PORT", "TRANSPORT", "IDENTIFICATION", "TECH-PREFIX", "ENABLED"])
        for provider in providers {
            table.append([
                String(provider.id ?? 0), provider.name, provider.hosts.joined(separator: ","), Self.portText(provider),
                provider.transport.rawValue, provider.identification.rawValue, provider.techPrefix.isEmpty ? "-" : provider.techPrefix,
                provider.enabled ? "yes" : "no",
            ])
        }
        return table.render()
    }

    public func show(_ reference: String, json: Bool) throws(ManagementError) -> String {
        let provider = try session.provider(reference)
        if json { return Self.json(provider).serialized() + "\n" }
        var fields: [(String, String)] = [
            ("id", String(provider.id ?? 0)),
            ("name", provider.name),
            ("hosts", provider.hosts.joined(separator: ", ")),
            ("port", Self.portText(provider)),
            ("transport", provider.transport.rawValue),
            ("tech prefix", provider.techPrefix.isEmpty ? "-" : provider.techPrefix),
            ("identification", provider.identification.rawValue),
            ("enabled", provider.enabled ? "yes" : "no"),
            ("trusted identity", provider.trustedIdentity ? "yes: P-Asserted-Identity sent to it and believed from it" : "no"),
        ]
        if provider.identification == .registration {
            fields += [
                ("register username", provider.registerUsername ?? "-"),
                ("register realm", provider.registerRealm ?? "-"),
                ("register password", provider.registerHA1MD5 == nil ? "not set" : "set (HA1 values only)"),
                ("register expires", "\(provider.registerExpires) s"),
                ("register Call-ID", provider.registerCallID.rawValue),
            ]
        }
        fields.append(("created", provider.createdAt.iso8601))
        return TextTable.fields(fields)
    }

    public func set(_ reference: String, settings: ProviderSettings, password source: PasswordSource?) throws(ManagementError) -> String {
        if settings == ProviderSettings(), source == nil { throw .usage("nothing to change: give at least one option") }
        var provider = try session.provider(reference)
        let before = Self.json(provider)
        try apply(settings, to: &provider, password: source, isNew: false)
        var after = Self.json(provider)
        // That it changed, never what to.
        if source != nil { after = after.replacing("registerPassword", with: .string("changed")) }
        let log = session.logEntry(action: "provider.set", target: Self.target(provider), before: before, after: after)
        try session.storage { try session.database.update(provider, log: log) }
        return "updated provider \(PrintableText.escape(provider.name))\n"
    }

    /// Its registration status goes with it.
    public func remove(_ reference: String) throws(ManagementError) -> String {
        let provider = try session.provider(reference)
        let log = session.logEntry(action: "provider.remove", target: Self.target(provider), before: Self.json(provider))
        try session.storage { try session.database.removeProvider(id: provider.id ?? 0, log: log) }
        return "removed provider \(PrintableText.escape(provider.name))\n"
    }

    // MARK: - Settings

    private func apply(
        _ settings: ProviderSettings, to provider: inout Provider, password source: PasswordSource?, isNew: Bool
    ) throws(ManagementError) {
        if let name = settings.name { provider.name = try AccountCommands.checkedName(name, option: "--name") }
        if !settings.hosts.isEmpty {
            var hosts: [String] = []
            for text in settings.hosts {
                do throws(InputProblem) {
                    let host = try ProviderHost.normalised(text)
                    if !hosts.contains(host) { hosts.append(host) }
                } catch {
                    throw .usage("--host: \(error)")
                }
            }
            provider.hosts = hosts
        }
        if let transport = settings.transport { provider.transport = try OptionValue.choice(transport, option: "--transport") }
        if let prefix = settings.techPrefix {
            // Dialled digits only: the prefix goes into Request-URIs (RFC 3966 §5.1.1 digits).
            guard prefix.count <= 16, prefix.allSatisfy({ $0.isASCIIDigit || "+*#".contains($0) }) else {
                throw .usage("--tech-prefix: up to 16 digits, +, * or #")
            }
            provider.techPrefix = prefix
        }
        let wasRegistering = !isNew && provider.identification == .registration
        if let identification = settings.identification {
            provider.identification = try OptionValue.choice(identification, option: "--identification")
        }
        if let port = settings.port {
            provider.port = port == "any" ? nil : try OptionValue.integer(port, option: "--port", in: 1...65_535)
        } else if provider.identification == .registration, provider.port == nil {
            // Registering needs a destination port; identifying by IP defaults to any.
            provider.port = ProviderSettings.defaultRegistrationPort(provider.transport.rawValue)
        }
        if let expires = settings.registerExpires {
            provider.registerExpires = try OptionValue.integer(expires, option: "--register-expires", in: ProviderSettings.registerExpiresRange)
        }
        if let callID = settings.registerCallID { provider.registerCallID = try OptionValue.choice(callID, option: "--register-call-id") }
        if let enabled = settings.enabled { provider.enabled = enabled }
        if let text = settings.trustedIdentity {
            let choice: YesNo = try OptionValue.choice(text, option: "--trusted-identity")
            provider.trustedIdentity = choice == .yes
        }

        guard provider.identification == .registration else {
            if settings.registerUsername != nil || settings.registerRealm != nil || source != nil {
                throw .usage("--register-username, --register-realm and the password apply to --identification registration only")
            }
            // Credentials of a registration that no longer happens are not kept.
            provider.registerUsername = nil
            provider.registerRealm = nil
            provider.registerHA1MD5 = nil
            provider.registerHA1SHA256 = nil
            return
        }
        var credentialsChanged = !wasRegistering
        if let username = settings.registerUsername {
            if let problem = SIPUsername.problem(username) { throw .usage("--register-username: \(problem)") }
            credentialsChanged = credentialsChanged || username != provider.registerUsername
            provider.registerUsername = username
        }
        if let realm = settings.registerRealm {
            // The realm is a quoted-string in the challenge (RFC 3261 §25.1): no quote,
            // backslash or line break can round-trip.
            guard !realm.isEmpty, !realm.contains(where: { $0 == "\"" || $0 == "\\" }) else {
                throw .usage("--register-realm: must be non-empty, without quotes or backslashes")
            }
            credentialsChanged = credentialsChanged || realm != provider.registerRealm
            provider.registerRealm = try OptionValue.headerText(realm, option: "--register-realm")
        } else if provider.registerRealm == nil {
            provider.registerRealm = provider.hosts.first
        }
        guard let username = provider.registerUsername, let realm = provider.registerRealm else {
            throw .usage("identification by registration needs --register-username")
        }
        if let source {
            let password = try source.read()
            if password.isEmpty { throw .usage("the registration password is empty") }
            if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw .usage("the registration password contains a control character")
            }
            provider.registerHA1MD5 = DigestCalculator.ha1(username: username, realm: realm, password: password, algorithm: .md5)
            provider.registerHA1SHA256 = DigestCalculator.ha1(username: username, realm: realm, password: password, algorithm: .sha256)
        } else if provider.registerHA1MD5 == nil || !wasRegistering {
            throw .usage("identification by registration needs the registration password: give --password-stdin or --password-file")
        } else if credentialsChanged {
            // The HA1 values depend on username and realm: without the password they cannot
            // be remade.
            throw .usage("a new register username or realm needs the registration password again: give --password-stdin or --password-file")
        }
    }

    /// How the action log names a provider: `provider 2 carrier`.
    static func target(_ provider: Provider) -> String {
        "provider \(provider.id.map(String.init) ?? "?") \(provider.name)"
    }

    static func portText(_ provider: Provider) -> String {
        provider.port.map(String.init) ?? "any"
    }

    static func json(_ provider: Provider) -> JSONValue {
        let registering = provider.identification == .registration
        return .object([
            ("id", .integer(provider.id ?? 0)),
            ("name", .string(provider.name)),
            ("hosts", .array(provider.hosts.map { .string($0) })),
            ("port", .integer(provider.port)),
            ("transport", .string(provider.transport.rawValue)),
            ("techPrefix", .string(provider.techPrefix)),
            ("identification", .string(provider.identification.rawValue)),
            ("enabled", .bool(provider.enabled)),
            ("trustedIdentity", .bool(provider.trustedIdentity)),
            ("registerUsername", .string(provider.registerUsername)),
            ("registerRealm", .string(provider.registerRealm)),
            // Whether a password is set, never its HA1 values (RFC 7616 §5.2).
            ("registerPassword", registering ? .string(provider.registerHA1MD5 == nil ? "not set" : "set") : .null),
            ("registerExpires", .integer(provider.registerExpires)),
            ("registerCallID", .string(provider.registerCallID.rawValue)),
            ("createdAt", .string(provider.createdAt.iso8601)),
        ])
    }
}

/// A yes-or-no option value.
enum YesNo: String, CaseIterable {
    case yes, no
}
