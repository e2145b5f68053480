import Prometheus
import SIPCore
import Switch
import Synchronization

/// The engines' reports as Prometheus series. Every series a message can touch is made
/// here, once, and kept: the message path finds its counter by index (the method's place in
/// a fixed table, the status code's slot), never by name.
final class EngineMeters: EngineMetrics {
    /// Label values of the request counter: the methods the parser knows, and `other` for
    /// the rest, so a sender cannot mint new series with made-up method names.
    static let methodLabels = SIPMethod.known.map(\.name) + ["other"]

    private let requests: [Counter]
    private let responses: ResponseCodeCounters
    private let parseErrors: Counter
    private let answerDuration: DurationHistogram
    /// Each loop's transaction table as last reported: (live, created).
    private let tables = Mutex<[Int: (live: Int, created: Int)]>([:])

    init(registry: PrometheusCollectorRegistry) {
        requests = Self.methodLabels.map { registry.makeCounter(descriptor: MetricNames.requests, labels: [("method", $0)]) }
        responses = ResponseCodeCounters(registry: registry)
        parseErrors = registry.makeCounter(descriptor: MetricNames.parseErrors)
        answerDuration = registry.makeDurationHistogram(descriptor: MetricNames.answerDuration, buckets: MetricNames.answerBuckets)
    }

    func requestReceived(_ method: SIPMethod) {
        requests[Self.index(of: method)].increment()
    }

    func responseSent(status: Int) {
        responses.increment(status)
    }

    func parseError() {
        parseErrors.increment()
    }

    func answered(after elapsed: Duration) {
        answerDuration.record(elapsed)
    }

    func transactions(loopIndex: Int, live: Int, created: Int) {
        tables.withLock { $0[loopIndex] = (live, created) }
    }

    /// Every loop's figures added up.
    var transactionTotals: (live: Int, created: Int) {
        tables.withLock { tables in
            tables.values.reduce((live: 0, created: 0)) { ($0.live + $1.live, $0.created + $1.created) }
        }
    }

    /// The method's place in `methodLabels` (the order of `SIPMethod.known`).
    static func index(of method: SIPMethod) -> Int {
        switch method {
        case .invite: 0
        case .ack: 1
        case .bye: 2
        case .cancel: 3
        case .register: 4
        case .options: 5
        case .info: 6
        case .prack: 7
        case .subscribe: 8
        case .notify: 9
        case .update: 10
        case .message: 11
        case .refer: 12
        case .publish: 13
        case .other: 14
        }
    }
}

/// Response counters by status code, each made the first time its code is sent. The code is
/// bounded (100–699, and nothing outside is counted) but most codes never occur, and a
/// series for each would only be noise. A slot per code holds its counter once made, so
/// after the first use a response costs one atomic load and one atomic increment.
final class ResponseCodeCounters: Sendable {
    static let codes = 100...699

    private final class Slot: Sendable {
        let counter = AtomicLazyReference<Counter>()
    }

    private let slots: [Slot]
    private let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        slots = Self.codes.map { _ in Slot() }
    }

    func increment(_ code: Int) {
        guard Self.codes.contains(code) else { return }
        let slot = slots[code - Self.codes.lowerBound]
        // Two loops making the same code's counter at once get the same one: the registry
        // returns the series it already has for a name and labels, and the slot keeps the first.
        let counter = slot.counter.load() ?? slot.counter.storeIfNil(
            registry.makeCounter(descriptor: MetricNames.responses, labels: [("code", String(code))]))
        counter.increment()
    }
}
