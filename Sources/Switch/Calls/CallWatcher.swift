/// Watches calls as they happen, for the toll-fraud monitors and the event channel: told of a
/// call when it is about to be forwarded and when it is answered (its end reaches the
/// `CallRecordSink` with its record). Called on the event loop that carries the call, so it
/// must return quickly and never block on I/O.
public protocol CallWatcher: Sendable {
    /// A call that passed the dial plan, limits and money, before it is forwarded. Returns
    /// false to refuse it after all: watching this very call blocked its account (the call
    /// that crosses a critical level does not get through).
    func callStarting(_ call: ActiveCall) -> Bool
    /// The first 2xx of a call reached the switch.
    func callAnswered(_ call: ActiveCall)
}
