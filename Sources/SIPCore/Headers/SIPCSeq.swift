/// CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16).
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
    /// The sequence number, at most 2^32-1.
    public let sequence: UInt32
    public let method: SIPMethod

    public init(sequence: UInt32, method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    public var description: String { "\(sequence) \(method)" }
}
