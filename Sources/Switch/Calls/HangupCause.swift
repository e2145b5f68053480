/// Why a call attempt ended, as its call record says (documented in docs/calls.md). One
/// word each, so that records can be counted and filtered by cause.
public enum HangupCause: String, Sendable, CaseIterable, Codable {
    /// Answered, and one side hung up.
    case answered = "answered-normal-clearing"
    /// The callee answered busy (486, 600).
    case busy
    /// Nobody answered before the ring timeout (or the callee said 408/480 after ringing).
    case noAnswer = "no-answer"
    /// The caller hung up (CANCEL) before an answer.
    case cancelled
    /// The callee declined (603).
    case declined
    /// The callee refused otherwise (another 4xx-6xx).
    case rejected
    /// The callee has no live registration.
    case calleeUnavailable = "callee-unavailable"
    /// Nobody could be identified as the caller (no credentials, wrong ones).
    case cannotDetermineCaller = "cannot-determine-caller"
    /// A scanner's INVITE, dropped unanswered; its source was banned.
    case scannerDetected = "scanner-detected"
    /// The account may not call this destination (its rules, or the high-risk list).
    case notAllowed = "not-allowed"
    /// The account is blocked.
    case accountBlocked = "account-blocked"
    /// Prepaid and no balance, or postpaid and no credit left.
    case noBalance = "no-balance"
    /// The destination has no rate, so the call could not be priced.
    case noRate = "no-rate"
    /// A device or account concurrent-call limit.
    case concurrentLimit = "concurrent-limit"
    /// No extension, DID or route for the number.
    case noRoute = "no-route"
    /// The number cannot be dialled.
    case invalidNumber = "invalid-number"
    /// Every provider tried failed (408, 5xx, no answer at all).
    case providerFailure = "provider-failure"
    /// The server ended the call at its maximum duration (or when the money ran out).
    case maxDuration = "max-duration"
    /// Max-Forwards ran out, or the request came back to the server.
    case loopDetected = "loop-detected"
    /// The server could not carry the call (no way to reach the callee, capacity).
    case serverFailure = "server-failure"
    /// The server stopped while the call was up (a crash): closed at its next start, at the
    /// time it was last seen up, and both parties hung up then.
    case serverRestart = "server-restart"
    /// The request could not be carried as sent (a CSeq out of range).
    case badRequest = "bad-request"

    /// The cause of a final failure from the callee's side, by status.
    public static func of(status: Int, ringing: Bool) -> HangupCause {
        switch status {
        case 486, 600: return .busy
        case 603: return .declined
        case 408, 480: return ringing ? .noAnswer : .calleeUnavailable
        case 487: return .cancelled
        case 404, 484, 604: return .noRoute
        default: return .rejected
        }
    }
}

/// Who ended a call.
public enum HangupSide: String, Sendable, Codable {
    case caller, callee, server, none
}
