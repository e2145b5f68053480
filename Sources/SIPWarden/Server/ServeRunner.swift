public import Foundation
import Logging
import ServiceLifecycle
import SIPTransport
import Storage

/// What `sipwarden serve` does, between argument parsing and the running server.
public enum ServeRunner {
    public struct Options: Sendable {
        public var configFile: String?
        public var dataDirectory: String
        public var listen: [String]
        public var logLevel: String?
        /// `--console-listen`: replaces `console.listen`.
        public var consoleListen: String?

        public init(configFile: String?, dataDirectory: String, listen: [String], logLevel: String?, consoleListen: String? = nil) {
            self.consoleListen = consoleListen
            self.configFile = configFile
            self.dataDirectory = dataDirectory
            self.listen = listen
            self.logLevel = logLevel
        }
    }

    /// A problem that stops the server from starting: reported, exit status 2.
    public struct StartupError: Error, CustomStringConvertible {
        public let lines: [String]
        public var description: String { lines.joined(separator: "\n") }
    }

    /// The configuration with the command-line overrides applied.
    public static func configuration(for options: Options, environment: [String: String]) async throws(StartupError) -> ServerConfiguration {
        var configuration: ServerConfiguration
        do throws(ConfigurationError) {
            configuration = try await ConfigurationLoader.load(file: options.configFile, environment: environment)
        } catch {
            throw StartupError(lines: error.problems.map { "configuration error: \($0)" })
        }
        if !options.listen.isEmpty {
            var listeners: [SIPListenAddress] = []
            var problems: [String] = []
            for text in options.listen {
                do throws(SIPListenAddress.ParseError) {
                    listeners.append(try SIPListenAddress(parsing: text))
                } catch {
                    problems.append("--listen: \(error)")
                }
            }
            guard problems.isEmpty else { throw StartupError(lines: problems) }
            configuration.listeners = listeners
            let tls = ConfigurationLoader.tlsProblems(configuration)
            guard tls.isEmpty else { throw StartupError(lines: tls.map { "--listen: \($0.message)" }) }
        }
        if let text = options.consoleListen {
            guard let parsed = ConsoleSettings.parseListen(text) else {
                throw StartupError(lines: ["--console-listen: \"\(text)\": expected HOST:PORT, such as 127.0.0.1:8080 or [::1]:8080"])
            }
            configuration.console.host = parsed?.host
            if let parsed { configuration.console.port = parsed.port }
        }
        if let level = options.logLevel {
            guard let setting = LogLevelSetting(rawValue: level.lowercased()) else {
                throw StartupError(lines: ["--log-level: expected one of \(LogLevelSetting.allCases.map(\.rawValue).joined(separator: ", "))"])
            }
            configuration.logLevel = setting
        }
        return configuration
    }

    /// Creates the data directory (owner-only) if needed and checks it is writable.
    public static func prepareDataDirectory(_ path: String) throws(StartupError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw StartupError(lines: ["--data-dir: \(path) is not a directory"]) }
        } else {
            do {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StartupError(lines: ["--data-dir: cannot create \(path): \(error.localizedDescription)"])
            }
        }
        guard manager.isWritableFile(atPath: path) else {
            throw StartupError(lines: ["--data-dir: \(path) is not writable"])
        }
    }

    /// Runs the server until SIGTERM or SIGINT.
    public static func run(_ options: Options, environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
        let configuration = try await configuration(for: options, environment: environment)
        try prepareDataDirectory(options.dataDirectory)
        if case .failure(let problem) = FileDescriptorLimit.raise(to: FileDescriptorLimit.needed(for: configuration)) { throw problem }
        let level = SharedLogLevel(Logger.Level(configuration.logLevel))
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: level) }
        let logger = Logger(label: "sipwarden")
        let setup: CallerSetup
        do throws(CallerSetup.Problem) {
            setup = try CallerSetup.make(configuration: configuration, dataDirectory: options.dataDirectory, logger: logger)
        } catch {
            throw StartupError(lines: [error.description])
        }
        var guardSetup: GuardSetup?
        if configuration.guardSettings.enabled {
            do throws(GuardSetup.Problem) {
                guardSetup = try GuardSetup.make(settings: configuration.guardSettings, callers: setup)
            } catch {
                throw StartupError(lines: [error.description])
            }
        } else {
            logger.warning("the guard is off (guard.enabled: false): no bans, no scanner or flood detection")
        }
        let server = SIPServer(
            configuration: configuration, logger: logger, gate: guardSetup?.gate ?? AdmitAllIngressGate(), callers: setup.callers,
            defense: guardSetup?.defense, calls: setup.calls)
        server.metrics.watch(callers: setup)
        if let guardSetup { server.metrics.watch(guard: guardSetup) }
        setup.fraud?.attach(server: server)
        let outbound = OutboundRegistrationService(database: setup.database, server: server, callers: setup.callers, logger: logger)
        var extra: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let fraud = setup.fraud { extra.append(.init(service: fraud)) }
        if configuration.console.host != nil {
            let consoleDatabase: AppDatabase
            let hasAdmin: Bool
            do {
                consoleDatabase = try AppDatabase.open(dataDirectory: options.dataDirectory)
                hasAdmin = try consoleDatabase.hasConsoleAdmin()
            } catch {
                throw StartupError(lines: ["cannot open the database for the console: \(error)"])
            }
            extra.append(.init(service: ConsoleService(
                configuration: configuration, database: consoleDatabase, hub: setup.hub, securityEvents: setup.events, logger: logger,
                after: server, filter: guardSetup?.filter, calls: setup.calls, setupToken: hasAdmin ? nil : WebCookies.token())))
        }
        let reload = ReloadService(logger: logger) {
            await reloadSettings(options, environment: environment, level: level, running: configuration, logger: logger)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    // The guard drains the security events and records them; without it the
                    // recorder drains them itself.
                    guardSetup.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0.service) }
                        ?? .init(service: setup.recorder),
                    .init(service: setup.maintenance),
                    .init(service: SIPServerService(server: server, logger: logger, orphans: setup.orphans)),
                    // After the server: shut down before it, so unregisters leave while the
                    // sockets are open.
                    .init(service: outbound),
                    .init(service: reload),
                ] + extra,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch let error as SIPTransportServer.StartError {
            // A listener that cannot be bound is a start-up problem like a bad setting.
            throw StartupError(lines: [error.description])
        }
    }

    static func reloadSettings(
        _ options: Options, environment: [String: String], level: SharedLogLevel, running: ServerConfiguration, logger: Logger
    ) async {
        do throws(StartupError) {
            let fresh = try await configuration(for: options, environment: environment)
            level.value = Logger.Level(fresh.logLevel)
            var needsRestart: [String] = []
            if fresh.effectiveListeners != running.effectiveListeners { needsRestart.append("sip.listen") }
            if fresh.transport != running.transport { needsRestart.append("sip.udp, sip.tcp, sip.limits") }
            if fresh.domains != running.domains || fresh.serverHeader != running.serverHeader { needsRestart.append("sip.domains, sip.server_header") }
            if fresh.guardSettings != running.guardSettings { needsRestart.append("guard") }
            logger.info("reloaded", metadata: ["log_level": "\(fresh.logLevel.rawValue)"])
            if !needsRestart.isEmpty {
                logger.warning("changed settings take effect on restart", metadata: ["keys": "\(needsRestart.joined(separator: "; "))"])
            }
        } catch {
            logger.error("reload refused: configuration has errors", metadata: ["errors": "\(error.lines.joined(separator: "; "))"])
        }
    }
}
