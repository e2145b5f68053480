import Configuration
import Foundation
import Guard
import SecurityEvents

/// Reads the `guard` section (validated for kinds and ranges already) and checks the rules
/// that involve several keys.
enum GuardSettingsReader {
    static func read(_ reader: ConfigReader, into settings: inout GuardSettings) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        func string(_ key: String) -> String? { reader.string(forKey: ConfigKey(key))?.trimmingCharacters(in: .whitespaces) }
        func int(_ key: String) -> Int? { reader.int(forKey: ConfigKey(key)) }
        func bool(_ key: String) -> Bool? { reader.bool(forKey: ConfigKey(key)) }
        func list(_ key: String) -> [String]? {
            reader.stringArray(forKey: ConfigKey(key))?.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func seconds(_ key: String) -> Int? { string(key).flatMap { try? DurationText.seconds($0) } }
        func networks(_ key: String) -> [GuardNetwork]? { reader.networks(forKey: key) }

        if let value = bool("guard.enabled") { settings.enabled = value }
        var engine = settings.engine
        if let value = networks("guard.trusted") { engine.trusted = value }
        if let value = string("guard.ban_response") { settings.banResponse = IngressFilter.BanResponse(rawValue: value.lowercased()) ?? .drop }
        if let value = int("guard.ipv6_prefix") { engine.ipv6PrefixLength = value }
        if let value = seconds("guard.single_packet_ban") { engine.singlePacketBan = max(1, value) }
        if let value = seconds("guard.single_packet_max_ban") { engine.singlePacketMaxBan = max(1, value) }
        if engine.singlePacketMaxBan < engine.singlePacketBan {
            problems.append(ConfigurationProblem(key: "guard.single_packet_max_ban", message: "must not be shorter than guard.single_packet_ban (\(DurationText.text(seconds: engine.singlePacketBan)))"))
        }
        if let value = bool("guard.ban_providers") { settings.banProviders = value }
        if let value = int("guard.max_active_bans") { settings.maxActiveBans = value }
        if let value = int("guard.max_tracked_sources") { engine.maxTrackedSources = value }
        if let value = int("guard.evidence_per_source") { engine.evidencePerSource = value }
        if let value = int("guard.headroom.factor") { engine.headroomFactor = value }
        if let value = seconds("guard.headroom.after_auth") { engine.headroomAfterAuth = value }
        if let value = bool("guard.device_lock.enabled") { engine.deviceLock.enabled = value }
        if let value = int("guard.device_lock.failures") { engine.deviceLock.failures = value }
        if let value = int("guard.device_lock.sources") { engine.deviceLock.distinctSources = value }
        if let value = seconds("guard.device_lock.window") { engine.deviceLock.window = value }
        if let value = seconds("guard.device_lock.duration") { engine.deviceLock.lock = value }
        if engine.deviceLock.distinctSources > engine.deviceLock.failures {
            problems.append(ConfigurationProblem(key: "guard.device_lock.sources", message: "must not exceed guard.device_lock.failures (\(engine.deviceLock.failures))"))
        }

        for (index, jail) in engine.jails.enumerated() {
            let prefix = "guard.jails.\(jail.name.replacingOccurrences(of: "-", with: "_"))"
            var jail = jail
            if let value = bool(prefix + ".enabled") { jail.enabled = value }
            if let value = string(prefix + ".mode") { jail.mode = Jail.Mode(rawValue: value.lowercased()) ?? .enforce }
            if let value = int(prefix + ".threshold") { jail.threshold = value }
            if let value = string(prefix + ".window") { jail.window = value.lowercased() == "forever" ? nil : try? DurationText.seconds(value) }
            if let value = string(prefix + ".ban") { jail.ban = value.lowercased() == "permanent" ? nil : try? DurationText.seconds(value) }
            if let value = int(prefix + ".escalation") { jail.escalation = value }
            if let value = string(prefix + ".max_ban") { jail.maxBan = value.lowercased() == "none" ? nil : try? DurationText.seconds(value) }
            if let counts = list(prefix + ".counts") {
                var weights: [SecurityEvent.Kind: Int] = [:]
                for item in counts {
                    let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard let kind = SecurityEvent.Kind(rawValue: parts[0].lowercased()), kind != .authSuccess, kind != .deviceLocked else {
                        problems.append(ConfigurationProblem(
                            key: prefix + ".counts",
                            message: "\"\(item)\": unknown event kind (one of \(countableKinds.joined(separator: ", ")))"))
                        continue
                    }
                    let weight = parts.count == 2 ? Int(parts[1]) : 1
                    guard let weight, (0...1_000_000).contains(weight) else {
                        problems.append(ConfigurationProblem(key: prefix + ".counts", message: "\"\(item)\": the weight must be a whole number from 0 to 1000000"))
                        continue
                    }
                    weights[kind] = weight
                }
                jail.weights = weights
            }
            // The flood jail's event stands for a whole threshold's worth of requests.
            if jail.name == Jail.sipFlood.name, jail.weights[.requestFlood] != nil { jail.weights[.requestFlood] = jail.threshold }
            engine.jails[index] = jail
        }
        settings.engine = engine

        if let value = bool("guard.scanners.enabled") { settings.scannersEnabled = value }
        if let value = list("guard.scanners.user_agents") { settings.scannerUserAgents = value }
        problems += readCountries(string: string, list: list, networks: networks, into: &settings.countries)
        settings.blocklistPath = string("guard.blocklist").flatMap { $0.isEmpty ? nil : $0 }
        settings.fail2banLogPath = string("guard.fail2ban_log").flatMap { $0.isEmpty ? nil : $0 }
        if let set = string("guard.nftables_set"), !set.isEmpty {
            let parts = set.split(separator: " ")
            if parts.count != 3 || !parts.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) {
                problems.append(ConfigurationProblem(key: "guard.nftables_set", message: "expected FAMILY TABLE SET, such as \"inet filter sipwarden_banned\""))
            }
            settings.nftablesSet = set
        }
        if let path = settings.blocklistPath, !FileManager.default.isReadableFile(atPath: path) {
            problems.append(ConfigurationProblem(key: "guard.blocklist", message: "cannot read \(path)"))
        }
        return problems
    }

    private static func readCountries(
        string: (String) -> String?, list: (String) -> [String]?, networks: (String) -> [GuardNetwork]?, into countries: inout CountrySettings
    ) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        countries.database = string("guard.countries.database").flatMap { $0.isEmpty ? nil : $0 }
        if let mode = string("guard.countries.mode") { countries.mode = CountryPolicy.Mode(rawValue: mode.lowercased()) ?? .deny }
        if let codes = list("guard.countries.list") {
            for code in codes where code.count != 2 || !code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                problems.append(ConfigurationProblem(key: "guard.countries.list", message: "\"\(code)\" is not an ISO 3166-1 alpha-2 code (two letters, such as FR)"))
            }
            countries.countries = codes.map { $0.uppercased() }
        }
        if let value = networks("guard.countries.exceptions") { countries.exceptions = value }
        if let unknown = string("guard.countries.unknown") { countries.admitUnknown = unknown.lowercased() != "refuse" }
        // A database is checked whenever it is named, rules or not: a wrong path must not wait
        // for the day rules are added to show.
        if let database = countries.database, let problem = CountryDatabase.problem(opening: database) {
            problems.append(ConfigurationProblem(key: "guard.countries.database", message: problem))
        }
        if countries.isActive {
            if countries.database == nil {
                problems.append(ConfigurationProblem(
                    key: "guard.countries.list", message: "country rules need guard.countries.database (a .mmdb file); without it they cannot be applied"))
            }
        } else if countries.mode == .allow && string("guard.countries.mode") != nil {
            problems.append(ConfigurationProblem(key: "guard.countries.list", message: "mode allow with no countries would refuse every source; list the countries to admit"))
        }
        return problems
    }

    static var countableKinds: [String] {
        SecurityEvent.Kind.allCases.filter { $0 != .authSuccess && $0 != .deviceLocked }.map(\.rawValue)
    }
}
