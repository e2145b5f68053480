import SIPCore

/// To tags for responses sent without a transaction. RFC 3261 §8.2.7: a stateless UAS must
/// generate its tags deterministically, so that a retransmitted request gets the very same
/// response. The tag hashes the request's identity with a per-process random seed, so it
/// is stable for the life of the process and unpredictable from outside.
enum StatelessTag {
    static func make(callID: SIPString, fromTag: SIPString?, cseq: UInt32, branch: SIPString?) -> String {
        var hasher = Hasher()
        hasher.combine(callID)
        hasher.combine(fromTag)
        hasher.combine(cseq)
        hasher.combine(branch)
        let value = UInt64(bitPattern: Int64(hasher.finalize()))
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
