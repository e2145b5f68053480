public import Foundation
public import SecurityEvents

/// What the Guard concluded from one event. Detection only: an executor carries it out
/// (ingress table, database, log, kernel set).
public struct GuardDecision: Sendable, Equatable {
    /// Bans to put in place now (jails in enforce mode).
    public var bans: [BanOrder] = []
    /// Bans a jail in observe mode would have put in place: logged, nothing else.
    public var observed: [BanOrder] = []
    /// Devices whose authentication from new sources must be refused for a while.
    public var locks: [DeviceLockOrder] = []
    /// Why the event was not counted, when it was not.
    public var ignored: IgnoreReason?

    public enum IgnoreReason: String, Sendable, Equatable {
        /// The source is in a trusted network or the allow-list.
        case trusted
        /// The source is banned already (events queued before the ban took effect).
        case alreadyBanned = "already_banned"
        /// The event's source address could not be read.
        case unreadableSource = "unreadable_source"
        /// No enabled jail counts this kind of event.
        case notCounted = "not_counted"
    }

    public init() {}

    public var isEmpty: Bool { bans.isEmpty && observed.isEmpty && locks.isEmpty }
}

/// A ban with everything needed to explain it later.
public struct BanOrder: Sendable, Equatable {
    public var network: GuardNetwork
    public var jail: String
    /// One line: what was counted against what threshold.
    public var reason: String
    /// The events that led to it, oldest first (bounded).
    public var evidence: [Evidence]
    public var start: Date
    /// nil: permanent.
    public var expiry: Date?
    /// The nth ban of this network (escalation).
    public var offense: Int

    public init(network: GuardNetwork, jail: String, reason: String, evidence: [Evidence], start: Date, expiry: Date?, offense: Int) {
        self.network = network
        self.jail = jail
        self.reason = reason
        self.evidence = evidence
        self.start = start
        self.expiry = expiry
        self.offense = offense
    }
}

/// One event as counted: the event and the weight its jail gave it.
public struct Evidence: Sendable, Equatable {
    public var event: SecurityEvent
    public var weight: Int

    public init(event: SecurityEvent, weight: Int) {
        self.event = event
        self.weight = weight
    }
}

/// Refuse authentication as `username` from any source but `keep` until `until`.
public struct DeviceLockOrder: Sendable, Equatable {
    public var username: String
    public var until: Date
    /// Sources the device authenticated from before the attack: they keep working.
    public var keep: [GuardNetwork]
    public var failures: Int
    public var distinctSources: Int
    public var reason: String

    public init(username: String, until: Date, keep: [GuardNetwork], failures: Int, distinctSources: Int, reason: String) {
        self.username = username
        self.until = until
        self.keep = keep
        self.failures = failures
        self.distinctSources = distinctSources
        self.reason = reason
    }
}

/// What the executor knows about a source that the Guard cannot: whether it has a live
/// registration or is a configured provider.
public enum SourceStanding: Sendable, Equatable {
    case unknown
    /// A live registration or a provider address: thresholds get headroom.
    case known
}
