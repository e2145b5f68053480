public import SIPCore

/// Where the engines report what they do as it happens, for the server's metrics. The
/// engines only report; the composition root turns the reports into Prometheus series, so
/// this target stays free of any metrics library.
///
/// One instance is shared by every event loop's engine, and most calls are made on the
/// message path: implementations must be thread-safe and cost no more than an atomic
/// increment (no lookup by name, no allocation). `answered(after:)` may take a short lock.
public protocol EngineMetrics: Sendable {
    /// A request was read, parsed far enough to have a method, before it is validated.
    func requestReceived(_ method: SIPMethod)
    /// A response left the engine: one of its own answers (provisional or final), or one it
    /// forwarded. Retransmissions by the transactions are not counted again.
    func responseSent(status: Int)
    /// A message could not be parsed, framed or validated (answered 4xx/5xx or dropped).
    func parseError()
    /// The engine wrote its own final answer to a request `elapsed` after it began to handle
    /// the bytes it read (parsing included; the time spent in the socket buffer is not).
    func answered(after elapsed: Duration)
    /// The transaction table of the engine on loop `loopIndex`: `live` transactions now,
    /// `created` since start. Reported when either changed, after each message and timer tick.
    func transactions(loopIndex: Int, live: Int, created: Int)
}
