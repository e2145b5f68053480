/// Everything the Guard decides with.
public struct GuardConfiguration: Sendable, Equatable {
    public var jails: [Jail] = Jail.defaults
    /// Never counted, never banned (config `guard.trusted`; the CLI's allow-list adds to it).
    /// By default the server's own host, as fail2ban's `ignoreip` does.
    public var trusted: [GuardNetwork] = Self.loopbackHost
    /// IPv6 offenders are counted and banned by this prefix (an attacker controls a whole
    /// /64 as easily as one address).
    public var ipv6PrefixLength = 64
    /// Most sources counted at once; beyond it the longest-quiet ones are forgotten, so a flood
    /// of spoofed sources cannot exhaust memory.
    public var maxTrackedSources = 50_000
    /// Events kept per source to explain a ban (the counting itself keeps only times).
    public var evidencePerSource = 5
    /// Thresholds are multiplied by this for sources with a live registration or a recent
    /// successful authentication: headroom for a phone with a typo, not immunity for an
    /// attacker holding stolen credentials.
    public var headroomFactor = 3
    /// How long a successful authentication gives a source headroom, in seconds.
    public var headroomAfterAuth = 600
    public var deviceLock = DeviceLockSettings()
    /// A ban decided on a single UDP event is never permanent, whatever its jail says: its
    /// source may be spoofed (one forged packet must not lock a carrier or a customer out
    /// for good). It lasts at most this many seconds the first time...
    public var singlePacketBan = 3_600
    /// ...and doubles for each repeat, up to this many seconds.
    public var singlePacketMaxBan = 86_400

    public init() {}

    public static let loopbackHost: [GuardNetwork] = [
        try! GuardNetwork(parsing: "127.0.0.1/32"),
        try! GuardNetwork(parsing: "::1/128"),
    ]

    public func jail(named name: String) -> Jail? {
        jails.first { $0.name == name }
    }
}

/// Per-device protection against distributed guessing: failures for one device from many
/// sources lock its authentication from new sources for a while; the sources it has
/// authenticated from keep working.
public struct DeviceLockSettings: Sendable, Equatable {
    public var enabled = true
    /// Failed authentications for one device within `window`...
    public var failures = 10
    /// ...from at least this many distinct sources lock it.
    public var distinctSources = 3
    /// Seconds.
    public var window = 600
    /// Seconds the lock lasts.
    public var lock = 900

    public init() {}
}
