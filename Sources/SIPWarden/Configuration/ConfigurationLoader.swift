import Configuration
public import Foundation
import SIPCore
import SIPTransaction
import SIPTransport
import SystemPackage

/// Loads the configuration: the YAML file (optional) with the `SIPWARDEN_...` environment
/// variables over it and the embedded defaults under both, read through swift-configuration.
/// Everything is validated first, and every problem is reported at once.
public enum ConfigurationLoader {
    /// The configuration from `file` (nil: none) and `environment`.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws(ConfigurationError) -> ServerConfiguration {
        var problems: [ConfigurationProblem] = []
        var fileHasSettings = false
        if let file {
            let reading = read(file)
            problems += reading.problems
            fileHasSettings = reading.hasSettings
        }
        problems += ConfigurationValidator.problems(inEnvironment: environment)
        guard problems.isEmpty else { throw ConfigurationError(problems) }

        let reader: ConfigReader
        do {
            let variables = EnvironmentVariablesProvider(environmentVariables: environment.filter { $0.key.hasPrefix("SIPWARDEN_") })
                .prefixKeys(with: "sipwarden")
            if let file, fileHasSettings {
                let yaml = try await FileProvider<YAMLSnapshot>(filePath: FilePath(file))
                reader = ConfigReader(providers: [variables, yaml])
            } else {
                reader = ConfigReader(providers: [variables])
            }
        } catch {
            throw ConfigurationError([ConfigurationProblem(key: "(file)", message: "cannot be read: \(error)")])
        }
        return try build(from: reader)
    }

    /// The problems of a configuration file on its own (`sipwarden config check`).
    public static func check(file: String) async -> [ConfigurationProblem] {
        let problems = read(file).problems
        guard problems.isEmpty else { return problems }
        do throws(ConfigurationError) {
            _ = try await load(file: file, environment: [:])
            return []
        } catch {
            return error.problems
        }
    }

    /// The problems of the file on its own, and whether it holds any setting (an empty file
    /// is every default; the YAML provider refuses a document that is not a mapping).
    private static func read(_ file: String) -> (problems: [ConfigurationProblem], hasSettings: Bool) {
        guard let data = FileManager.default.contents(atPath: file) else {
            return ([ConfigurationProblem(key: "(file)", message: "cannot read \(file)")], false)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return ([ConfigurationProblem(key: "(file)", message: "\(file) is not UTF-8 text")], false)
        }
        return ConfigurationValidator.check(yaml: text)
    }

    /// Reads every key (validated already) and checks the rules that involve several keys.
    private static func build(from reader: ConfigReader) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        var problems: [ConfigurationProblem] = []
        func int(_ key: String) -> Int? { reader.int(forKey: ConfigKey(key)) }
        func string(_ key: String) -> String? { reader.string(forKey: ConfigKey(key)) }
        func list(_ key: String) -> [String]? { reader.stringArray(forKey: ConfigKey(key)) }

        for text in list("sip.listen") ?? [] {
            do throws(SIPListenAddress.ParseError) {
                configuration.listeners.append(try SIPListenAddress(parsing: text.trimmingCharacters(in: .whitespaces)))
            } catch {
                problems.append(ConfigurationProblem(key: "sip.listen", message: error.description))
            }
        }
        configuration.domains = (list("sip.domains") ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let header = string("sip.server_header") {
            configuration.serverHeader = header
            if header.contains(where: { $0.isNewline || $0 == "\0" }) {
                problems.append(ConfigurationProblem(key: "sip.server_header", message: "may not contain line breaks or NUL"))
            }
        }
        if let agent = string("sip.user_agent") {
            configuration.userAgent = agent
            if agent.contains(where: { $0.isNewline || $0 == "\0" }) {
                problems.append(ConfigurationProblem(key: "sip.user_agent", message: "may not contain line breaks or NUL"))
            }
        }
        if let force = reader.bool(forKey: "sip.force_rport") { configuration.transport.forceRport = force }
        if let value = int("sip.udp.vector_read_count") { configuration.transport.udpVectorReadCount = value }
        if let value = int("sip.udp.max_datagram_size") { configuration.transport.udpMaxDatagramSize = value }
        if let value = int("sip.udp.receive_buffer_size") { configuration.transport.udpReceiveBufferSize = value }
        if let value = int("sip.udp.sockets_per_address") { configuration.transport.udpSocketsPerAddress = value }
        if let value = int("sip.tcp.idle_timeout") { configuration.transport.idleTimeout = .seconds(value) }
        if let value = int("sip.tcp.message_assembly_timeout") { configuration.transport.messageAssemblyTimeout = .seconds(value) }
        if let value = int("sip.tcp.max_connections_per_ip") { configuration.transport.maxConnectionsPerIP = value }
        if let value = int("sip.tcp.max_connections") { configuration.transport.maxConnections = value }
        if let value = int("sip.tls.handshake_timeout") { configuration.transport.tlsHandshakeTimeout = .seconds(value) }
        configuration.tlsCertificatePath = string("sip.tls.certificate")
        configuration.tlsPrivateKeyPath = string("sip.tls.private_key")
        var limits = configuration.transport.limits
        if let value = int("sip.limits.max_message_size") { limits.maxMessageSize = value }
        if let value = int("sip.limits.max_header_count") { limits.maxHeaderCount = value }
        if let value = int("sip.limits.max_header_length") { limits.maxHeaderLength = value }
        if let value = int("sip.limits.max_via_count") { limits.maxViaCount = value }
        if let value = int("sip.limits.max_uri_length") { limits.maxURILength = value }
        if let value = int("sip.limits.max_body_size") { limits.maxBodySize = value }
        configuration.transport.limits = limits
        problems += limits.problems.map { ConfigurationProblem(key: "sip.limits", message: $0) }
        let t1 = int("sip.timers.t1_ms") ?? 500
        let t2 = int("sip.timers.t2_ms") ?? 4_000
        let t4 = int("sip.timers.t4_ms") ?? 5_000
        do {
            configuration.timers = try TransactionTimers(t1: .milliseconds(t1), t2: .milliseconds(t2), t4: .milliseconds(t4))
        } catch {
            problems.append(ConfigurationProblem(key: "sip.timers", message: "\(error)"))
        }
        if let value = int("sip.transactions.max") { configuration.maxTransactions = value }
        if let value = int("server.threads") { configuration.threads = value }
        if let level = string("log.level").flatMap({ LogLevelSetting(rawValue: $0.lowercased()) }) { configuration.logLevel = level }
        problems += readAuth(reader, into: &configuration.auth)
        problems += readRegistrar(reader, into: &configuration.registrar)
        problems += GuardSettingsReader.read(reader, into: &configuration.guardSettings)
        // Connections from IPv6 are capped by the prefix the Guard bans by.
        configuration.transport.ipv6PrefixLength = configuration.guardSettings.engine.ipv6PrefixLength
        problems += CallSettingsReader.read({ key -> Any? in
            if key == "calls.access_codes" { return reader.stringArray(forKey: ConfigKey(key)) }
            if key == "calls.deny_list" { return reader.string(forKey: ConfigKey(key)) }
            return reader.int(forKey: ConfigKey(key))
        }, into: &configuration.calls)
        problems += FraudSettingsReader.read(reader, into: &configuration.fraud)
        problems += ConsoleSettings.read(reader, into: &configuration.console)
        problems += tlsProblems(configuration)
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return configuration
    }

    private static func readAuth(_ reader: ConfigReader, into auth: inout AuthSettings) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        if let realm = reader.string(forKey: "auth.realm") {
            auth.realm = realm
            // The realm is a quoted-string in every challenge (RFC 3261 §25.1).
            if realm.isEmpty || realm.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline || $0 == "\0" }) {
                problems.append(ConfigurationProblem(key: "auth.realm", message: "must be non-empty, without quotes, backslashes or line breaks"))
            }
        }
        if let names = reader.stringArray(forKey: "auth.algorithms") {
            var algorithms: [DigestAlgorithm] = []
            for name in names.map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let algorithm = DigestAlgorithm(token: name), !algorithm.isSession else {
                    problems.append(ConfigurationProblem(key: "auth.algorithms", message: "expected MD5 or SHA-256, got \"\(name)\""))
                    continue
                }
                if !algorithms.contains(algorithm) { algorithms.append(algorithm) }
            }
            if algorithms.isEmpty && problems.isEmpty {
                problems.append(ConfigurationProblem(key: "auth.algorithms", message: "name at least one algorithm"))
            }
            auth.algorithms = algorithms
        }
        if let value = reader.int(forKey: "auth.nonce_lifetime") { auth.nonceLifetime = value }
        if let value = reader.int(forKey: "auth.replay_table_size") { auth.replayTableSize = value }
        if let value = reader.bool(forKey: "auth.allow_guest") { auth.allowGuest = value }
        if let value = reader.int(forKey: "auth.password.min_length") { auth.passwordMinLength = value }
        if let value = reader.bool(forKey: "auth.password.require_mixed") { auth.passwordRequireMixed = value }
        return problems
    }

    private static func readRegistrar(_ reader: ConfigReader, into registrar: inout RegistrarSettings) -> [ConfigurationProblem] {
        if let value = reader.int(forKey: "registrar.min_expires") { registrar.minExpires = value }
        if let value = reader.int(forKey: "registrar.max_expires") { registrar.maxExpires = value }
        if let value = reader.int(forKey: "registrar.default_expires") { registrar.defaultExpires = value }
        var problems: [ConfigurationProblem] = []
        if registrar.minExpires > registrar.maxExpires {
            problems.append(ConfigurationProblem(key: "registrar.min_expires", message: "must not exceed registrar.max_expires (\(registrar.maxExpires))"))
        }
        if registrar.defaultExpires < registrar.minExpires || registrar.defaultExpires > registrar.maxExpires {
            problems.append(ConfigurationProblem(key: "registrar.default_expires", message: "must be between registrar.min_expires and registrar.max_expires"))
        }
        return problems
    }

    static func tlsProblems(_ configuration: ServerConfiguration) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        switch (configuration.tlsCertificatePath, configuration.tlsPrivateKeyPath) {
        case (nil, nil):
            if configuration.listeners.contains(where: { $0.transport == .tls }) {
                problems.append(ConfigurationProblem(key: "sip.listen", message: "a tls listener needs sip.tls.certificate and sip.tls.private_key"))
            }
        case (let certificate?, let key?):
            for (name, path) in [("sip.tls.certificate", certificate), ("sip.tls.private_key", key)]
            where !FileManager.default.isReadableFile(atPath: path) {
                problems.append(ConfigurationProblem(key: name, message: "cannot read \(path)"))
            }
        case (nil, _?):
            problems.append(ConfigurationProblem(key: "sip.tls.certificate", message: "missing: sip.tls.private_key is set"))
        case (_?, nil):
            problems.append(ConfigurationProblem(key: "sip.tls.private_key", message: "missing: sip.tls.certificate is set"))
        }
        return problems
    }
}
