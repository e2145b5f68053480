/// A call from its INVITE to its end: the record being filled in, and what the switch needs
/// to route the dialog's requests and to hang it up itself (RFC 3261 §12: the tags, the
/// remote targets, the CSeq numbers each side has used).
public struct ActiveCall: Sendable {
    public var record: CallRecordDraft
    /// The event loop whose engine holds the INVITE's transactions.
    public var ownerLoop: Int

    // The caller's side of the dialog.
    public var caller: CallEndpoint
    public var callerTag: String
    /// From and To as the caller sent them (To without the callee's tag).
    public var callerFrom: String
    public var callerTo: String
    /// The From the callee saw when the switch presented the caller otherwise (RFC 3325);
    /// nil: the caller's own.
    public var forwardedFrom: String?
    /// The caller's Contact URI: where the switch sends its own BYE.
    public var callerTarget: String?
    /// The highest CSeq the caller has used in the dialog (its INVITE's at first), and the
    /// branch of the request that carried it (a retransmission repeats both).
    public var callerCSeq: UInt32
    public var callerBranch: String

    // The callee's side, once one answered.
    public var callee: CallEndpoint?
    /// The provider that answered (an outbound call): its requests may come from any of its
    /// addresses.
    public var calleeProviderId: Int64?
    public var calleeTag: String?
    public var calleeTarget: String?
    /// The highest CSeq the callee has used in the dialog; nil before its first request.
    public var calleeCSeq: UInt32?
    public var calleeBranch = ""

    /// A BYE forwarded and not yet answered: the call ends when the far side answers it.
    public var pendingBye: PendingBye?

    /// The devices whose concurrent calls this call counts against.
    public var callerDeviceId: Int64?
    public var calleeDeviceId: Int64?
    public var accountId: Int64?
    /// The longest the call may last once answered.
    public var maxSeconds: Int
    public var tariff: Tariff?
    public var reservation: Ledger.Reservation?

    /// A BYE on its way to the far side (RFC 3261 §15.1.2: the dialog ends with its final
    /// response, or when it times out).
    public struct PendingBye: Sendable, Equatable {
        /// Who sent it.
        public var side: HangupSide
        public var cseq: UInt32
        /// When it reached the switch (Unix milliseconds): the call's end once answered.
        public var at: Int64
    }

    /// What an in-dialog request's CSeq is, against the last one of its side (§12.2.2).
    public enum Sequence: Sendable, Equatable {
        /// Higher than any before: a new request.
        case new
        /// The last request again (same CSeq, same branch): a retransmission.
        case retransmission
        /// Lower, or equal with another branch: 500.
        case outOfOrder
    }

    public init(
        record: CallRecordDraft, ownerLoop: Int, caller: CallEndpoint, callerTag: String, callerFrom: String, callerTo: String,
        callerTarget: String?, callerCSeq: UInt32, callerBranch: String = "", maxSeconds: Int
    ) {
        self.record = record
        self.ownerLoop = ownerLoop
        self.caller = caller
        self.callerTag = callerTag
        self.callerFrom = callerFrom
        self.callerTo = callerTo
        self.callerTarget = callerTarget
        self.callerCSeq = callerCSeq
        self.callerBranch = callerBranch
        self.maxSeconds = maxSeconds
    }

    /// Answered (its record has an answer time).
    public var isAnswered: Bool { record.answeredAt != nil }

    /// Which side sent an in-dialog request, by both its tags (RFC 3261 §12.2: a dialog is
    /// its Call-ID, local tag and remote tag): the caller's requests carry the caller's tag
    /// in From and the callee's in To, the callee's the other way round. nil: not this
    /// dialog (or not yet a dialog: no answer so far).
    public func side(fromTag: String, toTag: String?) -> HangupSide? {
        guard let calleeTag, let toTag else { return nil }
        if fromTag == callerTag && toTag == calleeTag { return .caller }
        if fromTag == calleeTag && toTag == callerTag { return .callee }
        return nil
    }

    /// Where `side` is reached.
    public func endpoint(of side: HangupSide) -> CallEndpoint? {
        switch side {
        case .caller: return caller
        case .callee: return callee
        case .server, .none: return nil
        }
    }

    /// The provider behind `side`, if it is one (its requests may come from any of its
    /// addresses).
    public func providerId(of side: HangupSide) -> Int64? {
        if side == .caller { return record.callerKind == .provider ? record.providerId : nil }
        return calleeProviderId
    }

    /// Checks a request's CSeq against its side's last (RFC 3261 §12.2.2) and, when it is
    /// new, makes it the last.
    public mutating func sequence(of side: HangupSide, cseq: UInt32, branch: String) -> Sequence {
        let last = side == .caller ? callerCSeq : calleeCSeq
        let lastBranch = side == .caller ? callerBranch : calleeBranch
        if let last, cseq <= last {
            return cseq == last && branch == lastBranch ? .retransmission : .outOfOrder
        }
        if side == .caller {
            callerCSeq = cseq
            callerBranch = branch
        } else {
            calleeCSeq = cseq
            calleeBranch = branch
        }
        return .new
    }

    /// The CSeq of a request the switch sends on `side`'s behalf (its BYE), recorded as
    /// that side's last. CSeqs stay below 2^31 (RFC 3261 §8.1.1.5; the switch refuses
    /// higher ones), so one more never wraps.
    public mutating func nextCSeq(for side: HangupSide) -> UInt32 {
        let next = (side == .caller ? callerCSeq : (calleeCSeq ?? 0)) + 1
        if side == .caller { callerCSeq = next } else { calleeCSeq = next }
        return next
    }

    /// The highest CSeq RFC 3261 §8.1.1.5 allows (it must be less than 2^31).
    public static let maxCSeq: UInt32 = 0x7FFF_FFFF
}
