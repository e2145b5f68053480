public import Foundation
public import Storage

/// `report security`: what the Guard saw and did over a period: bans per jail, the sources
/// and countries behind the most trouble, unidentified attempts and authentication failures,
/// and the same per bucket. From stored bans and unidentified attempts only: the refused
/// INVITEs that also left a call record are counted once, as attempts.
public struct SecurityReport: Sendable, Equatable {
    /// How many sources and countries are listed.
    public static let topLimit = 10
    /// The country of an address the database does not place.
    public static let unknownCountry = "unknown"

    /// A jail or a country, and how many.
    public struct Count: Sendable, Equatable {
        public let name: String
        public let count: Int

        public init(name: String, count: Int) {
            self.name = name
            self.count = count
        }
    }

    /// An address (or a banned network wider than one address) and what it did.
    public struct Source: Sendable, Equatable {
        /// `203.0.113.9` or `2001:db8:1:2::/64`, as the network sent or the ban names it.
        public let source: String
        public let unidentifiedAttempts: Int
        public let bans: Int

        public init(source: String, unidentifiedAttempts: Int, bans: Int) {
            self.source = source
            self.unidentifiedAttempts = unidentifiedAttempts
            self.bans = bans
        }

        public var total: Int { unidentifiedAttempts + bans }
    }

    public struct Bucket: Sendable, Equatable {
        public let start: Date
        public var unidentifiedAttempts: Int
        public var authFailures: Int
        public var bans: Int

        public init(start: Date, unidentifiedAttempts: Int = 0, authFailures: Int = 0, bans: Int = 0) {
            self.start = start
            self.unidentifiedAttempts = unidentifiedAttempts
            self.authFailures = authFailures
            self.bans = bans
        }
    }

    public let period: ReportPeriod
    /// Bans started in the period per jail, most first, then by jail name.
    public var bansByJail: [Count]
    public var totalBans: Int
    /// The `topLimit` sources with the most attempts and bans together, most first, then by
    /// address.
    public var topSources: [Source]
    /// The `topLimit` countries with the most attempts and bans together, most first, then
    /// by code; nil when no country database was given.
    public var topCountries: [Count]?
    /// Requests the server could not attribute to a device, provider or guest.
    public var unidentifiedAttempts: Int
    /// The unidentified attempts that named a user (an Authorization header's username):
    /// wrong credentials for a named user, as opposed to anonymous probing.
    public var authFailures: Int
    /// Every bucket of the period, oldest first, empty ones included.
    public var buckets: [Bucket]

    /// The report of the `attempts` and `bans` of the period (any other is left out);
    /// `countryOf` answers an address's ISO 3166-1 code, or nil when it cannot place it.
    public init(
        period: ReportPeriod, attempts: some Sequence<UnidentifiedAttempt>, bans: some Sequence<Ban>,
        countryOf: ((String) -> String?)? = nil
    ) {
        var accumulator = Accumulator(period: period)
        for attempt in attempts { accumulator.add(attempt) }
        for ban in bans { accumulator.add(ban) }
        self = accumulator.report(countryOf: countryOf)
    }

    init(
        period: ReportPeriod, bansByJail: [Count], totalBans: Int, topSources: [Source], topCountries: [Count]?,
        unidentifiedAttempts: Int, authFailures: Int, buckets: [Bucket]
    ) {
        self.period = period
        self.bansByJail = bansByJail
        self.totalBans = totalBans
        self.topSources = topSources
        self.topCountries = topCountries
        self.unidentifiedAttempts = unidentifiedAttempts
        self.authFailures = authFailures
        self.buckets = buckets
    }

    /// Builds the report one attempt or ban at a time, for attempts read from a cursor.
    public struct Accumulator: Sendable {
        public let period: ReportPeriod
        private var buckets: [Bucket]
        private var jails: [String: Int] = [:]
        /// Per source: attempts, bans.
        private var sources: [ReportSource: (attempts: Int, bans: Int)] = [:]
        private var unidentifiedAttempts = 0
        private var authFailures = 0
        private var totalBans = 0

        public init(period: ReportPeriod) {
            self.period = period
            buckets = period.bucketStarts.map { Bucket(start: $0) }
        }

        /// Counts an attempt that occurred in the period.
        public mutating func add(_ attempt: UnidentifiedAttempt) {
            guard let index = period.bucketIndex(of: attempt.occurredAt) else { return }
            unidentifiedAttempts += 1
            buckets[index].unidentifiedAttempts += 1
            if attempt.username != nil {
                authFailures += 1
                buckets[index].authFailures += 1
            }
            sources[ReportSource(address: attempt.sourceIP), default: (0, 0)].attempts += 1
        }

        /// Counts a ban that started in the period.
        public mutating func add(_ ban: Ban) {
            guard let index = period.bucketIndex(of: ban.startedAt) else { return }
            totalBans += 1
            buckets[index].bans += 1
            jails[ban.jail, default: 0] += 1
            sources[ReportSource(network: ban.network), default: (0, 0)].bans += 1
        }

        public func report(countryOf: ((String) -> String?)? = nil) -> SecurityReport {
            let ranked = sources.map { (source: $0.key, counts: Source(source: $0.key.text, unidentifiedAttempts: $0.value.attempts, bans: $0.value.bans)) }
                .sorted { $0.counts.total != $1.counts.total ? $0.counts.total > $1.counts.total : $0.source < $1.source }
            var countries: [Count]?
            if let countryOf {
                var totals: [String: Int] = [:]
                for (source, counts) in ranked {
                    totals[countryOf(source.address) ?? SecurityReport.unknownCountry, default: 0] += counts.total
                }
                countries = Array(Self.counts(totals).prefix(SecurityReport.topLimit))
            }
            return SecurityReport(
                period: period, bansByJail: Self.counts(jails), totalBans: totalBans,
                topSources: Array(ranked.prefix(SecurityReport.topLimit).map(\.counts)), topCountries: countries,
                unidentifiedAttempts: unidentifiedAttempts, authFailures: authFailures, buckets: buckets)
        }

        /// Most first, then by name.
        private static func counts(_ counts: [String: Int]) -> [Count] {
            counts.map { Count(name: $0.key, count: $0.value) }.sorted { ($0.count, $1.name) > ($1.count, $0.name) }
        }
    }
}
