public import Foundation

/// What the running server's Guard looks like, written every few seconds by the server and
/// read by `sipwarden guard status`: one row, replaced each time, stored as JSON so that new
/// figures need no migration.
public struct GuardStatusSnapshot: Codable, Sendable, Equatable {
    public var updatedAt: Date
    public var jails: [JailStatus]
    /// The highest-scoring sources the Guard is tracking, highest first.
    public var topSources: [SourceStatus]
    /// How many sources the Guard holds a score for.
    public var trackedSources: Int
    /// Active bans as the server counts them.
    public var activeBans: Int

    public init(updatedAt: Date, jails: [JailStatus], topSources: [SourceStatus], trackedSources: Int, activeBans: Int) {
        self.updatedAt = updatedAt
        self.jails = jails
        self.topSources = topSources
        self.trackedSources = trackedSources
        self.activeBans = activeBans
    }
}

/// One jail: its rule and what it did since the server started.
public struct JailStatus: Codable, Sendable, Equatable {
    public var name: String
    /// `enforce` (bans) or `observe` (counts what it would have banned).
    public var mode: String
    /// Event kind → weight added to a source's score.
    public var kinds: [String: Int]
    /// The score at which a source is banned.
    public var threshold: Int
    /// The window scores are counted over; nil: no window (the score never decays).
    public var windowSeconds: Int?
    /// nil: permanent bans.
    public var banSeconds: Int?
    public var eventsCounted: Int
    public var bansIssued: Int
    /// Bans an observing jail would have issued.
    public var wouldBan: Int
    public var activeBans: Int

    public init(
        name: String, mode: String, kinds: [String: Int], threshold: Int, windowSeconds: Int?, banSeconds: Int?,
        eventsCounted: Int = 0, bansIssued: Int = 0, wouldBan: Int = 0, activeBans: Int = 0
    ) {
        self.name = name
        self.mode = mode
        self.kinds = kinds
        self.threshold = threshold
        self.windowSeconds = windowSeconds
        self.banSeconds = banSeconds
        self.eventsCounted = eventsCounted
        self.bansIssued = bansIssued
        self.wouldBan = wouldBan
        self.activeBans = activeBans
    }
}

/// A source's score in one jail.
public struct SourceStatus: Codable, Sendable, Equatable {
    /// The network text the Guard scores (an address as /32 or /128, or an IPv6 /64).
    public var source: String
    public var jail: String
    public var score: Int
    public var lastSeen: Date

    public init(source: String, jail: String, score: Int, lastSeen: Date) {
        self.source = source
        self.jail = jail
        self.score = score
        self.lastSeen = lastSeen
    }
}
