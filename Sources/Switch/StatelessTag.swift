import NIOCore
import SIPCore

/// To tags for responses sent without a transaction. RFC 3261 §8.2.7: a stateless UAS must
/// generate its tags deterministically, so that a retransmitted request gets the very same
/// response. The tag hashes the request's identity with a per-process random seed, so it
/// is stable for the life of the process and unpredictable from outside.
enum StatelessTag {
    static func make(callID: SIPString, fromTag: SIPString?, cseq: UInt32, branch: SIPString?) -> SIPString {
        var hasher = Hasher()
        hasher.combine(callID)
        hasher.combine(fromTag)
        hasher.combine(cseq)
        hasher.combine(branch)
        var value = UInt64(bitPattern: Int64(hasher.finalize()))
        // 16 hex digits, written straight into bytes.
        let digits: StaticString = "0123456789abcdef"
        var buffer = ByteBuffer()
        buffer.reserveCapacity(16)
        buffer.writeRepeatingByte(0, count: 16)
        for index in stride(from: 15, through: 0, by: -1) {
            buffer.setInteger(digits.utf8Start[Int(value & 0xF)], at: index)
            value >>= 4
        }
        return SIPString(buffer: buffer)
    }
}
