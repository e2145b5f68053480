import Foundation
import SIPTestSupport
@testable import SIPWarden
import SIPTransport
import Testing

/// Loading the configuration: YAML file, SIPWARDEN_ environment variables, defaults; unknown
/// keys and bad values are errors naming their key.
@Suite("Configuration")
struct ConfigurationTests {
    static func write(_ yaml: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-config-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func problems(_ yaml: String, environment: [String: String] = [:]) async throws -> [ConfigurationProblem] {
        let path = try write(yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do throws(ConfigurationError) {
            _ = try await ConfigurationLoader.load(file: path, environment: environment)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("no file and no environment: the embedded defaults")
    func defaults() async throws {
        let configuration = try await ConfigurationLoader.load(file: nil, environment: [:])
        #expect(configuration.effectiveListeners.map(\.description) == ["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"])
        #expect(configuration.transport.forceRport)
        #expect(configuration.transport.maxConnectionsPerIP == 32)
        #expect(configuration.timers == .rfc3261)
        #expect(configuration.logLevel == .info)
    }

    @Test("config/sipwarden.example.yaml is valid and states the embedded defaults")
    func exampleFile() async throws {
        let path = Fixtures.url("../../config/sipwarden.example.yaml").standardizedFileURL.path
        let example = try await ConfigurationLoader.load(file: path, environment: [:])
        let defaults = ServerConfiguration()
        #expect(example.effectiveListeners == defaults.effectiveListeners)
        #expect(example.domains == defaults.domains)
        #expect(example.serverHeader == defaults.serverHeader)
        #expect(example.transport == defaults.transport)
        #expect(example.timers == defaults.timers)
        #expect(example.maxTransactions == defaults.maxTransactions)
        #expect(example.threads == defaults.threads)
        #expect(example.logLevel == defaults.logLevel)
        #expect(example.auth == defaults.auth)
        #expect(example.registrar == defaults.registrar)
    }

    @Test("every key is read from the file")
    func fullFile() async throws {
        let path = try Self.write("""
            sip:
              listen: ["udp:127.0.0.1:5070", "tcp:[::1]:5071"]
              domains: [sip.example.com]
              server_header: ""
              force_rport: false
              udp: { vector_read_count: 8, max_datagram_size: 4096, sockets_per_address: 1 }
              tcp: { idle_timeout: 30, message_assembly_timeout: 5, max_connections_per_ip: 4, max_connections: 100 }
              limits: { max_message_size: 20000, max_header_count: 64, max_header_length: 4096, max_via_count: 20, max_uri_length: 512, max_body_size: 8192 }
              timers: { t1_ms: 250, t2_ms: 2000, t4_ms: 2500 }
              transactions: { max: 500 }
            server: { threads: 3 }
            log: { level: debug }
            auth: { realm: example.com, algorithms: [SHA-256, md5], nonce_lifetime: 60, replay_table_size: 5000, allow_guest: true, password: { min_length: 8, require_mixed: false } }
            registrar: { min_expires: 30, max_expires: 7200, default_expires: 600 }
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await ConfigurationLoader.load(file: path, environment: [:])
        #expect(configuration.listeners.map(\.description) == ["udp:127.0.0.1:5070", "tcp:[::1]:5071"])
        #expect(configuration.domains == ["sip.example.com"])
        #expect(configuration.serverHeader == "")
        #expect(!configuration.transport.forceRport)
        #expect(configuration.transport.udpVectorReadCount == 8)
        #expect(configuration.transport.udpMaxDatagramSize == 4096)
        #expect(configuration.transport.udpSocketsPerAddress == 1)
        #expect(configuration.transport.idleTimeout == .seconds(30))
        #expect(configuration.transport.messageAssemblyTimeout == .seconds(5))
        #expect(configuration.transport.maxConnectionsPerIP == 4)
        #expect(configuration.transport.maxConnections == 100)
        #expect(configuration.transport.limits.maxMessageSize == 20000)
        #expect(configuration.transport.limits.maxViaCount == 20)
        #expect(configuration.timers.t1 == .milliseconds(250))
        #expect(configuration.maxTransactions == 500)
        #expect(configuration.threads == 3)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.auth.realm == "example.com")
        #expect(configuration.auth.algorithms == [.sha256, .md5])
        #expect(configuration.auth.nonceLifetime == 60)
        #expect(configuration.auth.replayTableSize == 5000)
        #expect(configuration.auth.allowGuest)
        #expect(configuration.auth.passwordMinLength == 8)
        #expect(!configuration.auth.passwordRequireMixed)
        #expect(configuration.registrar.minExpires == 30)
        #expect(configuration.registrar.maxExpires == 7200)
        #expect(configuration.registrar.defaultExpires == 600)
    }

    @Test("bad authentication and registrar settings are refused with their key")
    func badAuthSettings() async throws {
        let path = try Self.write("""
            auth: { realm: 'a"b', algorithms: [SHA-512, MD5-sess] }
            registrar: { min_expires: 600, max_expires: 300 }
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try await ConfigurationLoader.load(file: path, environment: [:])
            Issue.record("loaded a bad configuration")
        } catch {
            let keys = error.problems.map(\.key)
            #expect(keys.contains("auth.realm"))
            #expect(keys.filter { $0 == "auth.algorithms" }.count == 2)
            #expect(keys.contains("registrar.min_expires"))
            #expect(keys.contains("registrar.default_expires"))
        }
    }

    @Test("environment variables override the file")
    func environmentOverrides() async throws {
        let path = try Self.write("sip:\n  tcp:\n    idle_timeout: 600\nlog:\n  level: info\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await ConfigurationLoader.load(file: path, environment: [
            "SIPWARDEN_SIP_TCP_IDLE_TIMEOUT": "45",
            "SIPWARDEN_LOG_LEVEL": "warning",
            "SIPWARDEN_SIP_LISTEN": "udp:127.0.0.1:5090,tcp:127.0.0.1:5090",
            "UNRELATED_VARIABLE": "ignored",
        ])
        #expect(configuration.transport.idleTimeout == .seconds(45))
        #expect(configuration.logLevel == .warning)
        #expect(configuration.listeners.map(\.description) == ["udp:127.0.0.1:5090", "tcp:127.0.0.1:5090"])
    }

    @Test("bad keys and values are reported with their key", arguments: [
        ("sip:\n  tcp:\n    idle_timout: 5\n", "sip.tcp.idle_timout", "unknown key (did you mean sip.tcp.idle_timeout?)"),
        ("sipp:\n  listen: []\n", "sipp", "unknown key"),
        ("sip:\n  tcp:\n    idle_timeout: soon\n", "sip.tcp.idle_timeout", "expected an integer, got \"soon\""),
        ("sip:\n  tcp:\n    idle_timeout: 0\n", "sip.tcp.idle_timeout", "must be between 1 and 86400, got 0"),
        ("sip:\n  force_rport: maybe\n", "sip.force_rport", "expected true or false, got \"maybe\""),
        ("log:\n  level: loud\n", "log.level", "expected one of trace, debug, info, notice, warning, error, critical, got \"loud\""),
        ("sip:\n  listen: udp:127.0.0.1:5060\n", "sip.listen", "expected a list of strings"),
        ("sip: 5\n", "sip", "expected a mapping of keys"),
        ("sip:\n  listen: [\"sctp:127.0.0.1:5060\"]\n", "sip.listen", "invalid listen address \"sctp:127.0.0.1:5060\": transport must be udp, tcp or tls"),
        ("sip:\n  listen: [\"udp:::1:5060\"]\n", "sip.listen", "invalid listen address \"udp:::1:5060\": an IPv6 address must be written in brackets, e.g. tcp:[::1]:5060"),
        ("sip:\n  timers:\n    t1_ms: 5000\n    t2_ms: 1000\n", "sip.timers", "T2 must not be below T1"),
        ("sip:\n  listen: [\"tls:127.0.0.1:5061\"]\n", "sip.listen", "a tls listener needs sip.tls.certificate and sip.tls.private_key"),
        ("sip:\n  tls:\n    certificate: /nonexistent.pem\n    private_key: /nonexistent.key\n", "sip.tls.certificate", "cannot read /nonexistent.pem"),
        ("sip:\n  tls:\n    private_key: /k.pem\n", "sip.tls.certificate", "missing: sip.tls.private_key is set"),
        ("sip:\n  limits:\n    max_header_length: 9000\n    max_message_size: 8000\n", "sip.limits", "maxHeaderLength (9000) exceeds maxMessageSize (8000)"),
        ("sip: [unclosed\n", "(file)", "not valid YAML"),
    ])
    func badConfiguration(_ yaml: String, _ key: String, _ message: String) async throws {
        let problems = try await Self.problems(yaml)
        #expect(problems.contains { $0.key == key && $0.message.hasPrefix(message) }, "\(problems)")
    }

    @Test("unknown and bad environment variables are errors")
    func badEnvironment() async throws {
        let problems = try await Self.problems("", environment: ["SIPWARDEN_SIP_TCP_IDLE": "5", "SIPWARDEN_LOG_LEVEL": "chatty"])
        #expect(problems.map(\.key) == ["SIPWARDEN_LOG_LEVEL", "SIPWARDEN_SIP_TCP_IDLE"])
        #expect(problems.first { $0.key == "SIPWARDEN_SIP_TCP_IDLE" }?.message == "unknown setting")
    }

    @Test("every problem is reported at once")
    func allProblems() async throws {
        let problems = try await Self.problems("sip:\n  force_rport: 3\n  bogus: 1\nlog:\n  level: x\n")
        #expect(Set(problems.map(\.key)) == ["sip.force_rport", "sip.bogus", "log.level"])
    }

    @Test("an empty file and empty sections are the defaults")
    func emptySections() async throws {
        for text in ["", "\n  \n", "# only a comment\n", "sip:\nlog:\n"] {
            #expect(try await Self.problems(text).isEmpty, "\(text.debugDescription)")
        }
    }

    @Test("every schema key has an environment variable and a meaning")
    func schema() {
        for key in ConfigurationSchema.keys {
            #expect(ConfigurationSchema.byEnvironmentName[ConfigurationSchema.environmentName(of: key.path)]?.path == key.path)
            #expect(!key.meaning.isEmpty)
        }
    }
}
