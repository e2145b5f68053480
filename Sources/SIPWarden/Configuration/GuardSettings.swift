public import Guard

/// The Guard's settings (the `guard` section; docs/guard.md).
public struct GuardSettings: Sendable, Equatable {
    /// Off: no jails, no bans, no scanner or flood detection (security events are still
    /// logged).
    public var enabled = true
    public var engine = GuardConfiguration()
    public var banResponse = IngressFilter.BanResponse.drop
    public var scannersEnabled = true
    /// User-Agent substrings of attack tools; nil: the built-in list.
    public var scannerUserAgents: [String]?
    public var countries = CountrySettings()
    public var blocklistPath: String?
    public var fail2banLogPath: String?
    /// `FAMILY TABLE SET` of an nftables set that bans are added to.
    public var nftablesSet: String?
    /// Whether the jails may ban configured providers' addresses. Off by default: a spoofed
    /// packet from a carrier's address would otherwise cut every outbound call; such a ban
    /// is logged and alerted instead (manual bans still apply).
    public var banProviders = false
    /// Bans in force at once (the database's and the door's). Past it the weakest ban makes
    /// room: one resting on a single packet first, then the one ending soonest, then the
    /// newest; so spoofed one-packet bans cannot crowd out the others.
    public var maxActiveBans = 200_000

    public init() {}
}

/// Country rules: nothing is refused by country unless a list is given, and a list needs a
/// database (refused at configuration check otherwise, never silently ignored).
public struct CountrySettings: Sendable, Equatable {
    public var database: String?
    public var mode = CountryPolicy.Mode.deny
    public var countries: [String] = []
    public var exceptions: [GuardNetwork] = []
    public var admitUnknown = true

    public init() {}

    public var isActive: Bool { !countries.isEmpty }
}
