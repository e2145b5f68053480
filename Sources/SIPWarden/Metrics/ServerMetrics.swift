import Prometheus
import Switch
import Synchronization

/// One server's metrics, in the Prometheus text format (`/metrics`, docs/metrics.md).
///
/// Each server has its own registry rather than the process-wide `MetricsSystem`: several
/// servers run in one test process, and each must count only its own traffic. Counters the
/// message path touches are made once and handed to the transports and engines (atomic
/// increments on the event loops); figures other objects already keep are read when the
/// metrics are rendered.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let engine: EngineMeters
    let traffic: TrafficMeters
    private let scraped: Mutex<ScrapedMeters>

    public init() {
        engine = EngineMeters(registry: registry)
        traffic = TrafficMeters(registry: registry)
        scraped = Mutex(ScrapedMeters(registry: registry))
    }

    /// Adds or replaces sources of the figures read at scrape time.
    func watch(_ change: (inout MetricSources) -> Void) {
        scraped.withLock { change(&$0.sources) }
    }

    /// Every series, in the Prometheus text exposition format (version 0.0.4).
    public func render() -> [UInt8] {
        let totals = engine.transactionTotals
        // One scrape at a time brings the scraped series up to date, so that two scrapes at
        // once cannot both add the same gain of a tally.
        scraped.withLock { $0.update(transactions: totals) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }
}

extension ServerMetrics {
    /// The registrar's bindings and the live calls, read from the engines' shared state.
    func watch(callers: CallerServices?, calls: CallServices?) {
        watch { sources in
            if let registrar = callers?.registrar { sources.registrations = { registrar.count } }
            if let registry = calls?.registry { sources.activeCalls = { registry.count } }
        }
    }

    /// The call records written and the fraud service's actions.
    func watch(callers setup: CallerSetup) {
        let writer = setup.callRecords
        let fraud = setup.fraud
        watch { sources in
            sources.callRecordsWritten = { writer.written }
            if let fraud { sources.fraudActions = { [weak fraud] in fraud?.actionCounts ?? FraudActionCounts() } }
        }
    }

    /// The ingress filter's drops and bans, and the jails' bans.
    func watch(guard setup: GuardSetup) {
        let filter = setup.filter
        let service = setup.service
        watch { sources in
            sources.activeBans = { filter.banCount }
            sources.ingress = { filter.statistics }
            sources.jails = { [weak service] in service?.jailStatistics ?? [:] }
        }
    }
}
