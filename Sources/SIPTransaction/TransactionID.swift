/// A handle on one transaction in a `TransactionTable`. It stays unique after the
/// transaction ends: a slot reused by a later transaction gets a new generation, so a stale
/// handle (a TU answering late) never reaches the wrong transaction.
public struct TransactionID: Sendable, Hashable, CustomStringConvertible {
    let slot: UInt32
    let generation: UInt32

    init(slot: Int, generation: UInt32) {
        self.slot = UInt32(slot)
        self.generation = generation
    }

    public var description: String { "tx\(slot).\(generation)" }
}
