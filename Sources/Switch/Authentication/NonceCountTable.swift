/// Replay protection for digest nonces (RFC 7616 §3.4 nonce-count; RFC 3261 §22.4): the
/// highest nonce-count accepted for each nonce in use, in bounded memory.
///
/// A nonce-count must grow with each request on the same nonce. The same count again is
/// accepted only for the same request (a UDP retransmission: same Call-ID, CSeq and branch),
/// so a captured request cannot be played back. When the table is full the oldest entry is
/// forgotten, and every nonce issued no later than a forgotten one is from then on treated as
/// stale: the client is asked to authenticate afresh, never let in on a count the table can no
/// longer check. A response without qop carries no count: its nonce is used once.
public struct NonceCountTable: Sendable {
    public enum Use: Equatable, Sendable {
        /// A count higher than any before on this nonce: accepted and remembered.
        case fresh
        /// The same count for the same request again: a retransmission.
        case retransmission
        /// A count not higher than one already used, for a different request.
        case replay
        /// The table no longer knows this nonce's counts.
        case forgotten
    }

    struct Entry {
        var lastCount: UInt32
        var fingerprint: Int
        var issuedAt: Int64
    }

    public let capacity: Int
    private var entries: [String: Entry] = [:]
    /// Nonces in the order they were first used: a ring of `capacity` slots.
    private var order: [String?]
    private var head = 0
    private var stored = 0
    /// The latest issue time of a nonce forgotten before it expired.
    private var forgottenUpTo: Int64 = .min

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.order = Array(repeating: nil, count: capacity)
        entries.reserveCapacity(min(capacity, 4096))
    }

    public var count: Int { entries.count }

    /// Records a use of `nonce` (issued at `issuedAt`, Unix ms) with `count` (nil: no qop),
    /// for the request identified by `fingerprint`. Entries whose nonce expired before `now`
    /// minus `lifetime` are let go first, without forgetting anything that still matters.
    public mutating func use(nonce: String, issuedAt: Int64, count: UInt32?, fingerprint: Int, now: Int64, lifetime: Int64) -> Use {
        let counted = count ?? 0
        if var entry = entries[nonce] {
            if count == nil || counted <= entry.lastCount {
                return counted == entry.lastCount && fingerprint == entry.fingerprint ? .retransmission : .replay
            }
            entry.lastCount = counted
            entry.fingerprint = fingerprint
            entries[nonce] = entry
            return .fresh
        }
        if issuedAt <= forgottenUpTo { return .forgotten }
        dropExpired(now: now, lifetime: lifetime)
        if stored == capacity { evictOldest() }
        entries[nonce] = Entry(lastCount: counted, fingerprint: fingerprint, issuedAt: issuedAt)
        order[(head + stored) % capacity] = nonce
        stored += 1
        return .fresh
    }

    private mutating func dropExpired(now: Int64, lifetime: Int64) {
        while stored > 0, let nonce = order[head] {
            guard let entry = entries[nonce] else {
                advanceHead()
                continue
            }
            guard now - entry.issuedAt > lifetime else { return }
            entries[nonce] = nil
            advanceHead()
        }
    }

    private mutating func evictOldest() {
        if let nonce = order[head], let entry = entries.removeValue(forKey: nonce) {
            forgottenUpTo = max(forgottenUpTo, entry.issuedAt)
        }
        advanceHead()
    }

    private mutating func advanceHead() {
        order[head] = nil
        head = (head + 1) % capacity
        stored -= 1
    }
}
