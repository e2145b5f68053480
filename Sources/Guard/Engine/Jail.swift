public import SecurityEvents

/// A jail: which security events it counts and how much each weighs, how many it takes within
/// a window to ban a source, for how long, and how repeat offenders are treated. The defaults
/// are the table "Default jails" of the product description (from the MOR security guide's
/// fail2ban rules and miniSIPServer's figures).
public struct Jail: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Bans.
        case enforce
        /// Logs what it would have banned and bans nothing.
        case observe
    }

    public var name: String
    /// Event kinds counted, with their weights (0: seen but not counted).
    public var weights: [SecurityEvent.Kind: Int]
    /// The sum of weights within `window` that bans.
    public var threshold: Int
    /// Seconds over which weights add up; nil: forever (while the source is tracked).
    public var window: Int?
    /// Seconds of the first ban; nil: permanent.
    public var ban: Int?
    /// Each further ban of the same source lasts this many times the previous one (1: no
    /// escalation; 2: doubling).
    public var escalation: Int
    /// An escalated ban longer than this becomes permanent; nil: escalation never reaches
    /// permanent.
    public var maxBan: Int?
    public var mode: Mode
    public var enabled: Bool

    public init(
        name: String, weights: [SecurityEvent.Kind: Int], threshold: Int, window: Int?, ban: Int?, escalation: Int = 1,
        maxBan: Int? = nil, mode: Mode = .enforce, enabled: Bool = true
    ) {
        self.name = name
        self.weights = weights
        self.threshold = threshold
        self.window = window
        self.ban = ban
        self.escalation = escalation
        self.maxBan = maxBan
        self.mode = mode
        self.enabled = enabled
    }

    /// The length of the `offense`th ban (1 for the first), nil for permanent.
    public func banDuration(offense: Int) -> Int? {
        guard let ban else { return nil }
        var duration = ban
        if escalation > 1 {
            for _ in 1..<max(1, offense) {
                let (next, overflow) = duration.multipliedReportingOverflow(by: escalation)
                // Longer than a century is permanent in all but name.
                if overflow || next > Self.longestBan { return nil }
                duration = next
                if let maxBan, duration > maxBan { return nil }
            }
        }
        if let maxBan, duration > maxBan { return nil }
        return duration > Self.longestBan ? nil : duration
    }

    /// About a century, in seconds: a ban at least this long is permanent.
    public static let longestBan = 3_155_760_000
}

extension Jail {
    public static let sipAuth = Jail(
        name: "sip-auth", weights: [.authFailure: 1, .unknownUser: 1, .nonceReplay: 1, .sourceRefused: 1],
        threshold: 5, window: 600, ban: 600, escalation: 2, maxBan: 604_800)
    public static let sipUnidentified = Jail(
        name: "sip-unidentified", weights: [.unidentifiedCallAttempt: 1], threshold: 20, window: 600, ban: nil)
    public static let sipScanner = Jail(
        name: "sip-scanner", weights: [.scannerDetected: 1], threshold: 1, window: nil, ban: nil)
    /// Counted at the ingress gate (a per-packet event would cost too much); the gate raises
    /// one `requestFlood` event when a source crosses the threshold, which weighs the whole
    /// threshold here.
    public static let sipFlood = Jail(
        name: "sip-flood", weights: [.requestFlood: 30], threshold: 30, window: 2, ban: 300, escalation: 2, maxBan: 604_800)
    public static let sipMalformed = Jail(
        name: "sip-malformed", weights: [.malformedMessage: 1, .forgedMessage: 1], threshold: 10, window: 60, ban: 600, escalation: 2, maxBan: 604_800)
    public static let consoleLogin = Jail(
        name: "console-login", weights: [.consoleLoginFailure: 1], threshold: 10, window: 600, ban: 3_600, escalation: 2, maxBan: 604_800)
    public static let apiAuth = Jail(
        name: "api-auth", weights: [.apiKeyFailure: 1], threshold: 5, window: 600, ban: nil)
    public static let webProbe = Jail(
        name: "web-probe", weights: [.webProbe: 1], threshold: 20, window: 600, ban: 3_600, escalation: 2, maxBan: 604_800)

    /// The default jails, in the order they are shown.
    public static let defaults: [Jail] = [sipAuth, sipUnidentified, sipScanner, sipFlood, sipMalformed, consoleLogin, apiAuth, webProbe]

    /// The name of bans an operator added by hand.
    public static let manualName = "manual"
    /// The name of bans read from the blocklist file.
    public static let blocklistName = "blocklist"
}
