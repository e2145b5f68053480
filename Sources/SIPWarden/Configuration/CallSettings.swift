import Foundation
import Switch

/// The `calls` section: limits and timers of the proxy, and the dial plan's settings.
public struct CallSettings: Sendable, Equatable {
    /// The longest answered call, seconds (an account may set less).
    public var maxDuration = 10_800
    /// How long a call may ring unanswered, seconds.
    public var ringTimeout = 60
    /// How long a provider may stay silent before the next is tried, seconds.
    public var providerTimeout = 5
    /// The answer to an unroutable number or unknown DID: 404 or 403.
    public var noRouteStatus = 404
    /// The international access codes of the switch's country.
    public var accessCodes = ["00"]
    /// A deny-list file replacing the built-in high-risk prefixes; nil: the built-in list.
    public var denyListPath: String?

    public init() {}
}

/// Reads the `calls` section (kinds and ranges are checked by the schema).
enum CallSettingsReader {
    static func read(_ value: (String) -> Any?, into settings: inout CallSettings) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        if let seconds = value("calls.max_duration") as? Int { settings.maxDuration = seconds }
        if let seconds = value("calls.ring_timeout") as? Int { settings.ringTimeout = seconds }
        if let seconds = value("calls.provider_timeout") as? Int { settings.providerTimeout = seconds }
        if let status = value("calls.no_route_status") as? Int {
            if status == 403 || status == 404 {
                settings.noRouteStatus = status
            } else {
                problems.append(ConfigurationProblem(key: "calls.no_route_status", message: "expected 403 or 404, got \(status)"))
            }
        }
        if let codes = value("calls.access_codes") as? [String] {
            let cleaned = codes.map { $0.trimmingCharacters(in: .whitespaces) }
            if cleaned.isEmpty || cleaned.contains(where: { $0.isEmpty || !$0.allSatisfy(\.isASCIIDigit) }) {
                problems.append(ConfigurationProblem(key: "calls.access_codes", message: "expected digits only, such as 00 or 011"))
            } else {
                settings.accessCodes = cleaned.sorted { $0.count > $1.count }
            }
        }
        if let path = value("calls.deny_list") as? String, !path.isEmpty {
            settings.denyListPath = path
            problems += denyListProblems(path)
        }
        return problems
    }

    /// A deny-list file must exist and every line must be an entry or a comment.
    static func denyListProblems(_ path: String) -> [ConfigurationProblem] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return [ConfigurationProblem(key: "calls.deny_list", message: "cannot read \(path)")]
        }
        let (_, rejected) = HighRiskPrefixes.parse(text)
        guard rejected.isEmpty else {
            let lines = rejected.prefix(5).map(String.init).joined(separator: ", ")
            return [ConfigurationProblem(key: "calls.deny_list", message: "\(path): line \(lines) is not \"+PREFIX  reason\"")]
        }
        return []
    }

    /// The deny list in force: the file's entries, or the built-in ones.
    static func denyList(_ settings: CallSettings) -> [DestinationPolicy.DenyEntry] {
        guard let path = settings.denyListPath, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return HighRiskPrefixes.defaults
        }
        return HighRiskPrefixes.parse(text).entries
    }
}
