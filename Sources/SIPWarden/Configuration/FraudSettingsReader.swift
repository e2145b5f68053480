import Configuration
import Foundation
import Fraud
import Guard

/// Reads the `fraud` section (kinds and ranges are checked by the schema) and the rules that
/// involve several keys: a webhook needs a secret to sign with, e-mail needs a relay, a
/// sender and recipients, thresholds must be figures of their monitor's unit.
enum FraudSettingsReader {
    /// The configuration name of a monitor: its rule name with `_` for `-`.
    static func keyName(_ rule: MonitorRule) -> String { rule.name.replacingOccurrences(of: "-", with: "_") }

    static let actions: [String: FraudAction] = ["alert": .alert, "block": .blockAccount, "block-and-hang-up": .blockAccountAndHangUp]

    static func read(_ reader: ConfigReader, into settings: inout FraudSettings) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        func string(_ key: String) -> String? { reader.string(forKey: ConfigKey(key))?.trimmingCharacters(in: .whitespaces) }
        func list(_ key: String) -> [String]? {
            reader.stringArray(forKey: ConfigKey(key))?.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let value = reader.bool(forKey: "fraud.enabled") { settings.enabled = value }
        if let value = string("fraud.alert_suppress").flatMap({ try? DurationText.seconds($0) }) { settings.alertSuppressSeconds = value }
        let defaultBlock = string("fraud.block_duration").flatMap(blockMillis)
        var rules: [MonitorRule] = []
        for var rule in settings.rules {
            let prefix = "fraud.monitors.\(keyName(rule))"
            if reader.bool(forKey: ConfigKey(prefix + ".enabled")) == false { continue }
            if let block = string(prefix + ".block_duration").flatMap(blockMillis) ?? defaultBlock { rule.blockMillis = block.millis }
            for (level, name) in [(FraudLevel.warning, "warning"), (.critical, "critical")] {
                var threshold = level == .warning ? rule.warning : rule.critical
                if let text = string("\(prefix).\(name)") {
                    if text.lowercased() == "off" {
                        threshold = nil
                    } else if let figure = figure(text, unit: rule.kind.unit) {
                        threshold = MonitorThreshold(figure, threshold?.action ?? (level == .warning ? .alert : .blockAccount))
                    } else {
                        problems.append(ConfigurationProblem(key: "\(prefix).\(name)", message: "\"\(text)\": expected \(expectation(rule.kind.unit)), or off"))
                    }
                }
                if let text = string("\(prefix).\(name)_action") {
                    if let action = actions[text.lowercased()] {
                        if threshold == nil {
                            problems.append(ConfigurationProblem(key: "\(prefix).\(name)_action", message: "the \(name) level is off; set \(prefix).\(name) first"))
                        }
                        threshold?.action = action
                    } else {
                        problems.append(ConfigurationProblem(key: "\(prefix).\(name)_action", message: "\"\(text)\": expected alert, block or block-and-hang-up"))
                    }
                }
                if level == .warning { rule.warning = threshold } else { rule.critical = threshold }
            }
            if let warning = rule.warning, let critical = rule.critical, warning.figure > critical.figure {
                problems.append(ConfigurationProblem(key: prefix + ".warning", message: "must not exceed \(prefix).critical"))
            }
            rules.append(rule)
        }
        settings.rules = rules

        if let urls = list("fraud.webhooks") {
            settings.webhooks = []
            for text in urls {
                guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                    problems.append(ConfigurationProblem(key: "fraud.webhooks", message: "\"\(text)\" is not an http or https URL"))
                    continue
                }
                settings.webhooks.append(.init(url: url))
            }
        }
        if let secret = string("fraud.webhook_secret"), !secret.isEmpty { settings.webhookSecret = secret }
        if !settings.webhooks.isEmpty {
            if let secret = settings.webhookSecret, secret.utf8.count < 16 {
                problems.append(ConfigurationProblem(key: "fraud.webhook_secret", message: "must be at least 16 characters"))
            } else if settings.webhookSecret == nil {
                // Unsigned alerts could be forged by anyone who can reach the receiver.
                problems.append(ConfigurationProblem(key: "fraud.webhook_secret", message: "webhooks need a secret to sign their alerts with (16 characters or more)"))
            }
        }
        if let host = string("fraud.email.smtp_host"), !host.isEmpty {
            let from = string("fraud.email.from") ?? ""
            let to = list("fraud.email.to") ?? []
            if from.isEmpty || !from.contains("@") {
                problems.append(ConfigurationProblem(key: "fraud.email.from", message: "e-mail alerts need a sender address"))
            }
            if to.isEmpty || to.contains(where: { !$0.contains("@") }) {
                problems.append(ConfigurationProblem(key: "fraud.email.to", message: "e-mail alerts need recipient addresses"))
            }
            let badHeader = ([from] + to).contains { $0.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) }
            if badHeader { problems.append(ConfigurationProblem(key: "fraud.email.to", message: "addresses may not contain line breaks or angle brackets")) }
            let port = reader.int(forKey: "fraud.email.smtp_port") ?? 25
            settings.email = FraudSettings.Email(host: host, port: port, from: from, to: to)
        }
        return problems
    }

    struct Block { let millis: Int64? }

    /// `until-unblocked` or a duration.
    static func blockMillis(_ text: String) -> Block? {
        if text.lowercased() == "until-unblocked" { return Block(millis: nil) }
        return (try? DurationText.seconds(text)).map { Block(millis: Int64($0) * 1000) }
    }

    /// A threshold as written for its unit: money with up to six decimals, call minutes as
    /// minutes, counts as whole numbers.
    static func figure(_ text: String, unit: MonitorUnit) -> Int64? {
        switch unit {
        case .micros:
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let whole = Int64(parts[0]), whole >= 0, whole < 1_000_000_000 else { return nil }
            var micros = whole * 1_000_000
            if parts.count == 2 {
                let fraction = parts[1]
                guard !fraction.isEmpty, fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigit), let value = Int64(fraction) else { return nil }
                micros += value * Int64(pow(10, Double(6 - fraction.count)))
            }
            return micros
        case .seconds:
            guard let minutes = Int64(text), minutes >= 0, minutes < 100_000_000 else { return nil }
            return minutes * 60
        case .calls, .numbers, .countries:
            guard let count = Int64(text), count >= 0, count < 1_000_000_000 else { return nil }
            return count
        }
    }

    static func expectation(_ unit: MonitorUnit) -> String {
        switch unit {
        case .micros: "an amount such as 50 or 49.90"
        case .seconds: "whole minutes"
        case .calls, .numbers, .countries: "a whole number"
        }
    }
}
