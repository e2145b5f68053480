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
    /// The caller's Contact URI: where the switch sends its own BYE.
    public var callerTarget: String?
    public var callerCSeq: UInt32

    // The callee's side, once one answered.
    public var callee: CallEndpoint?
    public var calleeTag: String?
    public var calleeTarget: String?
    public var calleeCSeq: UInt32 = 0

    /// The devices whose concurrent calls this call counts against.
    public var callerDeviceId: Int64?
    public var calleeDeviceId: Int64?
    public var accountId: Int64?
    /// The longest the call may last once answered.
    public var maxSeconds: Int
    public var tariff: Tariff?
    public var reservation: Ledger.Reservation?

    public init(
        record: CallRecordDraft, ownerLoop: Int, caller: CallEndpoint, callerTag: String, callerFrom: String, callerTo: String,
        callerTarget: String?, callerCSeq: UInt32, maxSeconds: Int
    ) {
        self.record = record
        self.ownerLoop = ownerLoop
        self.caller = caller
        self.callerTag = callerTag
        self.callerFrom = callerFrom
        self.callerTo = callerTo
        self.callerTarget = callerTarget
        self.callerCSeq = callerCSeq
        self.maxSeconds = maxSeconds
    }

    /// Answered (its record has an answer time).
    public var isAnswered: Bool { record.answeredAt != nil }

    /// Which side sent an in-dialog request, by its From tag (the caller's tag, or the
    /// callee's); nil when neither (not this dialog).
    public func side(fromTag: String) -> HangupSide? {
        if fromTag == callerTag { return .caller }
        if let calleeTag, fromTag == calleeTag { return .callee }
        return nil
    }
}
