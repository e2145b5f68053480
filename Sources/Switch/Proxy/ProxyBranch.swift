public import SIPCore

/// The proxy's Via branches (RFC 3261 §8.1.1.7, magic cookie first). A branch says how its
/// answers are handled, since they may reach any event loop (each UDP socket of the
/// SO_REUSEPORT group gets its share of sources):
/// - `z9hG4bK-swL<n>-<random>`: a client transaction of loop n's engine, which the answer
///   is handed to;
/// - `z9hG4bK-swS-<hash>`: a stateless forward (an ACK or an in-dialog request), whose
///   answer is forwarded on at once by whichever loop reads it. The hash of the incoming
///   branch and Call-ID makes a retransmission carry the same branch (§16.11).
public enum ProxyBranch: Equatable, Sendable {
    case transaction(loop: Int)
    case stateless

    static let prefix = "z9hG4bK-sw"

    public static func branch(loop: Int, random: String = SIPTag.random()) -> String {
        "\(prefix)L\(loop)-\(random)"
    }

    public static func stateless(incomingBranch: String, callID: String, salt: UInt64) -> String {
        var hasher = Hasher()
        hasher.combine(incomingBranch)
        hasher.combine(callID)
        hasher.combine(salt)
        let value = UInt64(bitPattern: Int64(hasher.finalize()))
        return "\(prefix)S-\(String(value, radix: 16))"
    }

    /// What a branch of ours says; nil for someone else's.
    public init?(_ branch: SIPString) {
        let text = branch.string
        guard text.hasPrefix(Self.prefix) else { return nil }
        let rest = text.dropFirst(Self.prefix.count)
        if rest.hasPrefix("S-") {
            self = .stateless
            return
        }
        guard rest.hasPrefix("L"), let dash = rest.firstIndex(of: "-"),
            let loop = Int(rest[rest.index(after: rest.startIndex)..<dash]), loop >= 0, loop < 1024
        else { return nil }
        self = .transaction(loop: loop)
    }
}
