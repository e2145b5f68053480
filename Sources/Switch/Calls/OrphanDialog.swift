/// A call the switch carried before it stopped without ending it (a crash): what it needs
/// to hang both parties up at its next start (RFC 3261 §15.1.1), so that no leg, a paid
/// provider leg least of all, stays up with nobody accounting for it.
public struct OrphanDialog: Sendable, Equatable {
    public var callID: String
    public var caller: CallEndpoint
    public var callee: CallEndpoint
    /// The caller's and callee's Contact URIs: where each BYE goes.
    public var callerTarget: String?
    public var calleeTarget: String?
    /// From and To as the caller sent them (To without the callee's tag), the callee's tag,
    /// and the From the callee saw when the switch presented the caller otherwise.
    public var callerFrom: String
    public var callerTo: String
    public var calleeTag: String
    public var forwardedFrom: String?
    /// The highest CSeqs the switch saw from each side.
    public var callerCSeq: UInt32
    public var calleeCSeq: UInt32

    public init(
        callID: String, caller: CallEndpoint, callee: CallEndpoint, callerTarget: String?, calleeTarget: String?, callerFrom: String,
        callerTo: String, calleeTag: String, forwardedFrom: String?, callerCSeq: UInt32, calleeCSeq: UInt32
    ) {
        self.callID = callID
        self.caller = caller
        self.callee = callee
        self.callerTarget = callerTarget
        self.calleeTarget = calleeTarget
        self.callerFrom = callerFrom
        self.callerTo = callerTo
        self.calleeTag = calleeTag
        self.forwardedFrom = forwardedFrom
        self.callerCSeq = callerCSeq
        self.calleeCSeq = calleeCSeq
    }

    /// The parties may have sent in-dialog requests the switch saw after it last wrote the
    /// call down; its BYEs use a CSeq well past the last it knows (§12.2.2 needs higher).
    public static let cseqMargin: UInt32 = 65_536

    static func after(_ cseq: UInt32) -> UInt32 {
        cseq > UInt32.max - cseqMargin ? UInt32.max : cseq + cseqMargin
    }
}
