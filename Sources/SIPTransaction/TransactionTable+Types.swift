public import SIPCore

extension TransactionTable {
    public struct Configuration: Sendable, Hashable {
        /// The most transactions alive at once, server and client together. Beyond it new
        /// ones are refused; the memory the table holds is bounded by it.
        public var capacity: Int
        public var timers: TransactionTimers
        /// Whether a new INVITE server transaction answers 100 (Trying) at once. RFC 3261
        /// §17.2.1 asks for one unless the TU answers within 200 ms; sending it always
        /// stops the client's Timer A retransmissions as early as possible.
        public var sendsTrying: Bool

        public init(capacity: Int = 10_000, timers: TransactionTimers = .rfc3261, sendsTrying: Bool = true) {
            self.capacity = max(0, capacity)
            self.timers = timers
            self.sendsTrying = sendsTrying
        }
    }

    /// The actions one event produced for one transaction, with what the owner needs to
    /// carry them out. The transaction may be gone already (the last action is then
    /// `.terminated`): the context comes with the output for that reason.
    public struct Output: Sendable {
        public let id: TransactionID
        public let context: Context
        public let actions: [TransactionAction]
    }

    /// What became of a received request.
    public enum RequestOutcome: Sendable {
        /// A new server transaction. The actions send an INVITE's 100 (Trying) (RFC 3261
        /// §17.2.1) and pass the request to the TU (`.passRequest`).
        case created(Output)
        /// A new CANCEL: its own server transaction was created (the actions pass the CANCEL
        /// to the TU), and it targets the INVITE server transaction `invite` (§9.2). Answer the
        /// CANCEL 200, and the INVITE 487 if it is still unanswered.
        case cancel(Output, invite: TransactionID)
        /// A new CANCEL that matches no INVITE transaction: its own server transaction was
        /// created (the actions pass the CANCEL to the TU); answer it 481 (§9.2).
        case cancelWithoutInvite(Output)
        /// A retransmission, or an ACK for a non-2xx response, taken by its transaction:
        /// carry out the actions (none when it was absorbed; the last response when it is
        /// answered; `.passACK` for an ACK that reached an Accepted INVITE, RFC 6026 §7.1).
        case matched(Output)
        /// An ACK that matches no transaction: the ACK for a 2xx, its own transaction
        /// (§17.1.1.3, §13.3.1.4). Pass it to the TU (the dialog) or proxy it.
        case ackWithoutTransaction
        /// The table is full: no transaction was created. Answer 503 statelessly.
        case refused
        /// The request cannot be matched (no parsable top Via, or for an RFC 2543 peer, one
        /// of the headers the fallback compares). Answer 400.
        case unmatchable(SIPParseError)
    }

    /// What became of a received response.
    public enum ResponseOutcome: Sendable {
        /// It belongs to a client transaction: carry out the actions.
        case matched(Output)
        /// No client transaction has its branch and method. RFC 6026 §7.2: stray
        /// responses are not forwarded; a UA core may still look at a 2xx.
        case unmatched
        /// The top Via or CSeq does not parse, or the top Via has no branch.
        case unmatchable(SIPParseError)
    }

    /// Why a client transaction was not started.
    public enum StartError: Error, Sendable {
        /// The table is at capacity.
        case full
        /// A live client transaction already has this branch and method.
        case duplicate(TransactionID)
        /// An ACK (or a response) starts no client transaction: an ACK for a non-2xx is sent
        /// by the INVITE transaction, one for a 2xx by the TU directly (§17.1.1.3).
        case startsNoTransaction
        /// The request lacks what its transaction needs (a branch, or for an INVITE, what
        /// the ACK repeats).
        case unusable(SIPParseError)
    }
}
