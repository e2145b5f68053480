import Guard
import Prometheus

/// Where the figures read at scrape time come from: the objects that already keep them. Each
/// is a closure, so that the metrics hold no strong reference to a service that holds the
/// server (which holds the metrics); nil: that part of the server is off.
struct MetricSources: Sendable {
    var registrations: (@Sendable () -> Int)?
    var activeCalls: (@Sendable () -> Int)?
    var callRecordsWritten: (@Sendable () -> Int)?
    var activeBans: (@Sendable () -> Int)?
    var ingress: (@Sendable () -> IngressFilter.Statistics)?
    var jails: (@Sendable () -> [String: JailStatistics])?
    var fraudActions: (@Sendable () -> FraudActionCounts)?
}

/// A counter fed from a tally kept elsewhere: at each scrape it goes up by what the tally
/// gained since the previous scrape, so the series stays a counter (Prometheus counters
/// only go up) while the tally stays where it is kept today.
struct TallyCounter: Sendable {
    let counter: Counter
    private var last = 0

    init(_ counter: Counter) {
        self.counter = counter
    }

    mutating func sync(_ total: Int) {
        guard total > last else { return }
        counter.increment(by: Int64(total - last))
        last = total
    }
}

/// The series computed when `/metrics` is read: gauges of what exists now (bindings, calls,
/// bans, transactions) and counters of tallies kept by the Guard, the call record writer,
/// the fraud service and the engines. Reading them costs the message path nothing.
/// Confined to `ServerMetrics`'s lock.
struct ScrapedMeters: Sendable {
    var sources = MetricSources()
    private let registry: PrometheusCollectorRegistry
    private let registrations: Gauge
    private let calls: Gauge
    private let transactions: Gauge
    private let bansActive: Gauge
    private var transactionsCreated: TallyCounter
    private var callRecords: TallyCounter
    private var droppedBanned: TallyCounter
    private var droppedCountry: TallyCounter
    private var droppedFlood: TallyCounter
    private var refused: TallyCounter
    private var refusedConnections: TallyCounter
    private var alerts: TallyCounter
    private var blocks: TallyCounter
    private var hangUps: TallyCounter
    /// By jail name; the names come from the configuration, so the set is bounded.
    private var bans: [String: TallyCounter] = [:]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        registrations = registry.makeGauge(descriptor: MetricNames.registrations)
        calls = registry.makeGauge(descriptor: MetricNames.calls)
        transactions = registry.makeGauge(descriptor: MetricNames.transactionsActive)
        bansActive = registry.makeGauge(descriptor: MetricNames.bansActive)
        transactionsCreated = TallyCounter(registry.makeCounter(descriptor: MetricNames.transactionsCreated))
        callRecords = TallyCounter(registry.makeCounter(descriptor: MetricNames.callRecords))
        func dropped(_ reason: String) -> TallyCounter {
            TallyCounter(registry.makeCounter(descriptor: MetricNames.guardDropped, labels: [("reason", reason)]))
        }
        droppedBanned = dropped("banned")
        droppedCountry = dropped("country")
        droppedFlood = dropped("flood")
        refused = TallyCounter(registry.makeCounter(descriptor: MetricNames.guardRefused))
        refusedConnections = TallyCounter(registry.makeCounter(descriptor: MetricNames.guardRefusedConnections))
        func action(_ name: String) -> TallyCounter {
            TallyCounter(registry.makeCounter(descriptor: MetricNames.fraudActions, labels: [("action", name)]))
        }
        alerts = action("alert")
        blocks = action("block")
        hangUps = action("hang_up")
    }

    /// Brings every series up to date with its source.
    mutating func update(transactions totals: (live: Int, created: Int)) {
        transactions.set(Int64(totals.live))
        transactionsCreated.sync(totals.created)
        registrations.set(Int64(sources.registrations?() ?? 0))
        calls.set(Int64(sources.activeCalls?() ?? 0))
        bansActive.set(Int64(sources.activeBans?() ?? 0))
        if let written = sources.callRecordsWritten?() { callRecords.sync(written) }
        if let ingress = sources.ingress?() {
            droppedBanned.sync(ingress.droppedBanned)
            droppedCountry.sync(ingress.droppedCountry)
            droppedFlood.sync(ingress.droppedFlood)
            refused.sync(ingress.refusedBanned)
            refusedConnections.sync(ingress.connectionsRefused)
        }
        if let jails = sources.jails?() {
            for (jail, statistics) in jails {
                bans[jail, default: TallyCounter(registry.makeCounter(descriptor: MetricNames.bans, labels: [("jail", jail)]))]
                    .sync(statistics.bansIssued)
            }
        }
        if let fraud = sources.fraudActions?() {
            alerts.sync(fraud.alerts)
            blocks.sync(fraud.blocks)
            hangUps.sync(fraud.hangUps)
        }
    }
}
