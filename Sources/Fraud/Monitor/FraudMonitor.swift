/// The toll-fraud monitors of the switch: facts about calls go in, findings come out when a
/// rule's level is reached. A value type with mutating functions, like the Guard's engine:
/// no I/O, no clock (every function takes `now`, Unix milliseconds), no locks. Its single
/// owner feeds it in order (`SharedFraudMonitor` is that owner when several event loops
/// feed it) and carries out the actions of the findings.
///
/// Exactness: every figure is an exact sum over its window (`FraudPeriod`); a call counts
/// once however often its facts are repeated (a repeated end within
/// `Settings.endedCallMemoryMillis`); an end takes back exactly what its own start added (a
/// call's scopes are those of its start), and an end whose start was never seen takes back
/// nothing, so no figure can go below zero. Its cost and minutes still count: money spent
/// is money spent.
///
/// Time: `now` never goes backwards inside the monitor (an earlier `now` is taken as the
/// latest seen), and a fact counts at its own time when that is earlier than `now` (a record
/// written late, a replay), never later.
///
/// Memory: a scope (account, device, the switch) is kept only while something of it is
/// inside a window or in progress; each window holds at most one entry per slot; a call in
/// progress whose end never came is dropped after `Settings.staleLiveCallMillis`. A sweep
/// runs at most every `Settings.sweepIntervalMillis` of monitor time from `record` itself.
///
/// Rebuild after a restart: feed `replay` the facts of the stored call records of the last
/// `replayHorizonMillis`; the figures are then what they were (calls in progress at the
/// restart were ended by it, and their records are among those replayed).
public struct FraudMonitor: Sendable {
    public struct Settings: Sendable, Equatable {
        /// A call in progress with no fact for this long is taken as ended without its end
        /// (a lost fact). The switch ends every call at its maximum duration (3 h by
        /// default), so nothing real lasts this long.
        public var staleLiveCallMillis: Int64 = 4 * 3_600_000
        /// How long an ended call's id is remembered, so that a repeated end is not counted
        /// twice.
        public var endedCallMemoryMillis: Int64 = 15 * 60_000
        /// How many numbers, countries and source addresses a finding's context lists.
        public var recentValues = 10
        public var sweepIntervalMillis: Int64 = 60_000

        public init() {}
    }

    struct LiveCall: Sendable, Equatable {
        var call: FraudCall
        /// The scopes whose concurrent calls this call was counted in.
        var counted: [FraudScopeKey]
        /// Its latest fact (start or answer), for dropping it when its end is lost.
        var lastFactAt: Int64
    }

    let book: RuleBook
    public let settings: Settings
    /// The latest `now` seen.
    var clock = Int64.min
    var nextSweepAt = Int64.min
    var scopes: [FraudScopeKey: ScopeState] = [:]
    var live: [String: LiveCall] = [:]
    var ended: [String: Int64] = [:]
    /// `ended` in the order remembered (times ascending), from `endedHead`.
    var endedOrder: [(at: Int64, callID: String)] = []
    var endedHead = 0

    public init(rules: [MonitorRule] = MonitorRule.defaults, settings: Settings = Settings()) {
        self.book = RuleBook(rules)
        var settings = settings
        settings.recentValues = max(0, settings.recentValues)
        settings.sweepIntervalMillis = max(1, settings.sweepIntervalMillis)
        self.settings = settings
    }

    public var rules: [MonitorRule] { book.rules }

    /// How far back stored call records must be replayed to rebuild every figure: the
    /// longest window of the rules (new-country histories included).
    public var replayHorizonMillis: Int64 { book.memoryMillis }

    // MARK: - Facts

    /// Counts a fact and returns the levels it made a scope reach: the switch's findings
    /// first, then the account's, then the device's, each in the order of the rules.
    public mutating func record(_ fact: FraudCallFact, now: Int64) -> [FraudFinding] {
        let now = advance(to: now)
        if now >= nextSweepAt { sweep(now: now) }
        let at = min(fact.at, now)
        switch fact.event {
        case .started:
            return started(fact.call, at: at, now: now)
        case .answered:
            if var call = live[fact.call.callID] {
                call.lastFactAt = max(call.lastFactAt, at)
                live[fact.call.callID] = call
            }
            return []
        case .ended(let outcome):
            return ended(fact.call, outcome: outcome, at: at, now: now)
        }
    }

    /// Brings every window to `now` and forgets what has nothing left: scopes, calls whose
    /// end was lost, ended calls' ids. `record` does this by itself now and then; a server
    /// may call it on a timer so that memory shrinks while no calls come.
    public mutating func expire(now: Int64) {
        sweep(now: advance(to: now))
    }

    // MARK: - Reading

    /// A rule kind's figure for a scope at `now` (0 for one nothing is known of).
    public func figure(_ kind: MonitorKind, scope: FraudScopeKey, now: Int64) -> Int64 {
        scopes[scope]?.figure(kind, at: max(now, clock)) ?? 0
    }

    /// Every figure above 0 at `now`, by scope and kind, of the kinds some rule covering
    /// the scope measures: what the console shows, and what a rebuild must reproduce.
    public func readings(now: Int64) -> [FraudScopeKey: [MonitorKind: Int64]] {
        let now = max(now, clock)
        var readings: [FraudScopeKey: [MonitorKind: Int64]] = [:]
        for (key, state) in scopes {
            for index in book.rules(covering: key) {
                let kind = book.rules[index].kind
                let figure = state.figure(kind, at: now)
                if figure > 0 { readings[key, default: [:]][kind] = figure }
            }
        }
        return readings
    }

    /// Calls started and not ended.
    public var liveCalls: Int { live.count }

    /// Scopes with counters kept (the memory bound).
    public var trackedScopes: Int { scopes.count }

    // MARK: - Time

    mutating func advance(to now: Int64) -> Int64 {
        clock = max(clock, now)
        return clock
    }
}
