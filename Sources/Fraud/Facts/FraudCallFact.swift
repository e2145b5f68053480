/// Something that happened to a call, at a time: it started (every attempt, refused ones
/// included), it was answered, it ended with what it cost. The monitors are fed nothing else,
/// so rebuilding them after a restart is feeding them the facts of the stored call records
/// again (`FraudMonitor.replay`).
public struct FraudCallFact: Sendable, Hashable {
    public enum Event: Sendable, Hashable {
        case started
        case answered
        case ended(CallOutcome)
    }

    /// What an ended call came to.
    public struct CallOutcome: Sendable, Hashable {
        public var billableSeconds: Int
        /// From answer to end; 0 when not answered.
        public var durationMillis: Int64
        /// Millionths of the currency unit.
        public var costMicros: Int64

        public init(billableSeconds: Int = 0, durationMillis: Int64 = 0, costMicros: Int64 = 0) {
            // Negative figures only come from a bug elsewhere; they must not lower a sum.
            self.billableSeconds = max(0, billableSeconds)
            self.durationMillis = max(0, durationMillis)
            self.costMicros = max(0, costMicros)
        }
    }

    public var call: FraudCall
    public var event: Event
    /// When it happened (Unix milliseconds).
    public var at: Int64

    public init(call: FraudCall, event: Event, at: Int64) {
        self.call = call
        self.event = event
        self.at = at
    }

    public static func started(_ call: FraudCall, at: Int64) -> FraudCallFact {
        FraudCallFact(call: call, event: .started, at: at)
    }

    public static func answered(_ call: FraudCall, at: Int64) -> FraudCallFact {
        FraudCallFact(call: call, event: .answered, at: at)
    }

    public static func ended(
        _ call: FraudCall, at: Int64, billableSeconds: Int = 0, durationMillis: Int64 = 0, costMicros: Int64 = 0
    ) -> FraudCallFact {
        let outcome = CallOutcome(billableSeconds: billableSeconds, durationMillis: durationMillis, costMicros: costMicros)
        return FraudCallFact(call: call, event: .ended(outcome), at: at)
    }

    /// The facts of one finished call, as its stored record gives them: started, answered
    /// (when it was), ended.
    public static func lifecycle(
        of call: FraudCall, startedAt: Int64, answeredAt: Int64?, endedAt: Int64, billableSeconds: Int, durationMillis: Int64,
        costMicros: Int64
    ) -> [FraudCallFact] {
        var facts = [started(call, at: startedAt)]
        if let answeredAt { facts.append(answered(call, at: answeredAt)) }
        facts.append(ended(call, at: endedAt, billableSeconds: billableSeconds, durationMillis: durationMillis, costMicros: costMicros))
        return facts
    }

    /// A call's facts keep their order when several share a millisecond (a refused call
    /// starts and ends at once).
    var phaseRank: Int {
        switch event {
        case .started: 0
        case .answered: 1
        case .ended: 2
        }
    }
}
