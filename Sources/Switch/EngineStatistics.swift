/// What one engine has seen and done, for logs, metrics and tests.
public struct EngineStatistics: Sendable, Hashable {
    public var requests = 0
    public var responsesSent = 0
    /// Answers by status code.
    public var answersByStatus: [Int: Int] = [:]
    /// Requests that failed to parse or validate and were answered (400, 505, 513...).
    public var malformedAnswered = 0
    /// Messages that could not be read well enough to answer, dropped without a word.
    public var malformedDropped = 0
    /// Responses nobody asked for (no client transaction): dropped (RFC 6026 §7.2).
    public var strayResponses = 0
    /// Retransmissions and ACKs taken by a transaction.
    public var absorbed = 0
    /// Requests refused because the transaction table was full (answered 503).
    public var refusedForCapacity = 0
    /// Requests that fingerprinted as an attack tool, and those of them dropped unanswered.
    public var scannersSeen = 0
    public var scannersDropped = 0
    /// Banned sources' requests answered 403 (`guard.ban_response: 403`).
    public var refusedBanned = 0
    /// Messages refused as forged: in-dialog requests not from the dialog's party, responses
    /// along a Via the switch did not write.
    public var forged = 0

    public init() {}

    mutating func answered(_ status: Int) {
        responsesSent += 1
        answersByStatus[status, default: 0] += 1
    }
}
