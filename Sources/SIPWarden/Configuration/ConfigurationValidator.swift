import Foundation
import Guard
import SecurityEvents
import Yams

/// Checks a configuration file's shape and every value against `ConfigurationSchema`, and
/// the `SIPWARDEN_...` environment variables likewise, before anything is read from them.
enum ConfigurationValidator {
    /// Problems in the YAML text: syntax, unknown keys, values of the wrong kind or range;
    /// and whether it holds any setting at all (empty, blank or only comments: every default).
    static func check(yaml text: String) -> (problems: [ConfigurationProblem], hasSettings: Bool) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            // The parser's message is two lines of words, then a snippet with a caret: the
            // words are reported on one line.
            let lines = "\(error)".split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            var text = lines.prefix(2).joined(separator: " ")
            if text.hasSuffix(":") { text.removeLast() }
            return ([ConfigurationProblem(key: "(file)", message: "not valid YAML: \(text)")], false)
        }
        guard let node else { return ([], false) }  // an empty file: every default
        var problems: [ConfigurationProblem] = []
        walk(node, path: "", into: &problems)
        var hasSettings = true
        if case .scalar(let scalar) = node, scalar.string.isEmpty { hasSettings = false }
        return (problems, hasSettings)
    }

    private static func walk(_ node: Node, path: String, into problems: inout [ConfigurationProblem]) {
        let label = path.isEmpty ? "(file)" : path
        if let key = ConfigurationSchema.byPath[path] {
            if let message = check(node, against: key.kind) { problems.append(ConfigurationProblem(key: path, message: message)) }
            return
        }
        guard path.isEmpty || ConfigurationSchema.sections.contains(path) else {
            problems.append(ConfigurationProblem(key: path, message: "unknown key\(suggestion(for: path))"))
            return
        }
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return  // an empty section
        }
        guard let mapping = node.mapping else {
            problems.append(ConfigurationProblem(key: label, message: "expected a mapping of keys"))
            return
        }
        for (keyNode, value) in mapping {
            guard let name = keyNode.string, !name.isEmpty else {
                problems.append(ConfigurationProblem(key: label, message: "keys must be non-empty strings"))
                continue
            }
            walk(value, path: path.isEmpty ? name : path + "." + name, into: &problems)
        }
    }

    private static func check(_ node: Node, against kind: ConfigurationSchema.Kind) -> String? {
        switch kind {
        case .stringList, .networkList:
            guard let sequence = node.sequence else {
                return "expected a list of strings"
            }
            for element in sequence {
                guard let scalar = element.scalar else { return "expected a list of strings" }
                if kind == .networkList, let message = check(scalar.string, against: kind) { return message }
            }
            return nil
        default:
            guard let scalar = node.scalar else { return "expected a single value" }
            return check(scalar.string, against: kind)
        }
    }

    /// Checks one value as text (YAML scalar or environment variable).
    static func check(_ text: String, against kind: ConfigurationSchema.Kind) -> String? {
        switch kind {
        case .string:
            return nil
        case .integer(let range):
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                return "expected an integer, got \"\(text)\""
            }
            return range.contains(value) ? nil : "must be between \(range.lowerBound) and \(range.upperBound), got \(value)"
        case .boolean:
            return ["true", "false"].contains(text.lowercased()) ? nil : "expected true or false, got \"\(text)\""
        case .logLevel:
            return LogLevelSetting(rawValue: text.lowercased()) != nil
                ? nil : "expected one of \(LogLevelSetting.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\""
        case .stringList:
            return nil
        case .networkList:
            // One network per call from a YAML list; an environment variable holds a
            // comma-separated list.
            for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                do throws(IPNetwork.ParseError) {
                    _ = try IPNetwork(parsing: item)
                } catch {
                    return error.description
                }
            }
            return nil
        case .duration(let words):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if words.contains(trimmed.lowercased()) { return nil }
            do throws(DurationText.ParseError) {
                _ = try DurationText.seconds(trimmed)
                return nil
            } catch {
                return words.isEmpty ? error.description : "\(error.description), or \(words.joined(separator: " or "))"
            }
        case .choice(let words):
            return words.contains(text.trimmingCharacters(in: .whitespaces).lowercased())
                ? nil : "expected one of \(words.joined(separator: ", ")), got \"\(text)\""
        }
    }

    /// Unknown `SIPWARDEN_...` variables and bad values in known ones.
    static func problems(inEnvironment environment: [String: String]) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("SIPWARDEN_") {
            guard let key = ConfigurationSchema.byEnvironmentName[name] else {
                problems.append(ConfigurationProblem(key: name, message: "unknown setting"))
                continue
            }
            if let message = check(value, against: key.kind) {
                problems.append(ConfigurationProblem(key: name, message: message))
            }
        }
        return problems
    }

    /// " (did you mean ...?)" for a key one edit or a different section away from a real one.
    private static func suggestion(for path: String) -> String {
        let last = path.split(separator: ".").last.map(String.init) ?? path
        let candidates = ConfigurationSchema.keys.map(\.path).filter { candidate in
            let candidateLast = candidate.split(separator: ".").last.map(String.init) ?? candidate
            return candidateLast == last || editDistance(candidate, path) <= 2
        }
        guard let best = candidates.min(by: { editDistance($0, path) < editDistance($1, path) }) else { return "" }
        return " (did you mean \(best)?)"
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
