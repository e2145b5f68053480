import Foundation
import NIOCore
import SIPTransport
import Switch
import Testing

/// Live calls and their concurrent-call limits.
@Suite("Call registry")
struct CallRegistryTests {
    static func call(_ callID: String, caller: Int64? = 1, callee: Int64? = nil, account: Int64? = 10) -> ActiveCall {
        let record = CallRecordDraft(
            callID: callID, startedAt: 0, callerKind: .device, sourceIP: "127.0.0.2", sourcePort: 5060, transport: "udp",
            from: "<sip:a@x>;tag=1", to: "<sip:b@x>", requestURI: "sip:b@x", dialledNumber: "b")
        var call = ActiveCall(
            record: record, ownerLoop: 0, caller: CallEndpoint(transport: .udp, address: try! SocketAddress(ipAddress: "127.0.0.2", port: 5060)),
            callerTag: "1", callerFrom: "<sip:a@x>;tag=1", callerTo: "<sip:b@x>", callerTarget: "sip:a@127.0.0.2", callerCSeq: 1, maxSeconds: 60)
        call.callerDeviceId = caller
        call.calleeDeviceId = callee
        call.accountId = account
        return call
    }

    /// nil when the call was admitted, else why not.
    static func outcome(_ result: Result<Void, CallRegistry.LimitRefusal>) -> CallRegistry.LimitRefusal? {
        if case .failure(let refusal) = result { return refusal }
        return nil
    }

    @Test func deviceAndAccountLimitsAreEnforcedAndReleased() {
        let registry = CallRegistry()
        let limits = CallRegistry.Limits(callerDevice: 2, calleeDevice: 1, account: 3)
        #expect(Self.outcome(registry.begin(Self.call("a"), limits: limits)) == nil)
        #expect(Self.outcome(registry.begin(Self.call("b"), limits: limits)) == nil)
        #expect(Self.outcome(registry.begin(Self.call("c"), limits: limits)) == .device(limit: 2))
        #expect(Self.outcome(registry.begin(Self.call("a", caller: 2), limits: limits)) == .duplicate)
        #expect(Self.outcome(registry.begin(Self.call("d", caller: 2), limits: limits)) == nil)
        #expect(Self.outcome(registry.begin(Self.call("e", caller: 3), limits: limits)) == .account(limit: 3))
        // The callee of a call counts too.
        #expect(Self.outcome(registry.begin(Self.call("f", caller: 4, callee: 2, account: 11), limits: limits)) == .callee(limit: 1))
        #expect(registry.calls(deviceId: 1) == 2)
        #expect(registry.end("a") != nil)
        #expect(registry.end("a") == nil)
        #expect(registry.calls(deviceId: 1) == 1)
        #expect(registry.calls(accountId: 10) == 2)
        #expect(Self.outcome(registry.begin(Self.call("c"), limits: limits)) == nil)
        #expect(registry.count == 3)
    }

    @Test("RFC 3261 §12.2: a dialog's requests are known by both tags, each side's the other way round")
    func sidesAreKnownByTheirTags() {
        var call = Self.call("a")
        #expect(call.side(fromTag: "1", toTag: "2") == nil, "no dialog before an answer")
        call.calleeTag = "2"
        #expect(call.side(fromTag: "1", toTag: "2") == .caller)
        #expect(call.side(fromTag: "2", toTag: "1") == .callee)
        // The callee's tag with no To tag, or with the wrong one: not this dialog.
        #expect(call.side(fromTag: "2", toTag: nil) == nil)
        #expect(call.side(fromTag: "2", toTag: "2") == nil)
        #expect(call.side(fromTag: "1", toTag: "1") == nil)
        #expect(call.side(fromTag: "3", toTag: "2") == nil)
    }

    @Test("RFC 3261 §12.2.2: each side's CSeq must grow; the last request again is a retransmission", arguments: [
        // (CSeq, branch, expected) in order, after an INVITE with CSeq 1 and branch b1.
        [(2, "b2", ActiveCall.Sequence.new), (2, "b2", .retransmission), (2, "b3", .outOfOrder), (1, "b4", .outOfOrder), (3, "b5", .new)],
        [(1, "b1", .retransmission), (1, "x", .outOfOrder), (0, "y", .outOfOrder), (7, "z", .new), (6, "w", .outOfOrder)],
    ])
    func cseqGrows(_ steps: [(Int, String, ActiveCall.Sequence)]) {
        var call = Self.call("a")
        call.callerBranch = "b1"
        for (cseq, branch, expected) in steps {
            #expect(call.sequence(of: .caller, cseq: UInt32(cseq), branch: branch) == expected, "CSeq \(cseq) \(branch)")
        }
        // The callee's first request may carry any CSeq, its own space (§12.1.2).
        #expect(call.sequence(of: .callee, cseq: 0, branch: "c") == .new)
        #expect(call.sequence(of: .callee, cseq: 0, branch: "d") == .outOfOrder)
    }

    @Test("the switch's own BYE carries one past each side's highest CSeq, and CSeqs below 2^31 never wrap")
    func switchCSeq() {
        var call = Self.call("a")
        call.callerCSeq = ActiveCall.maxCSeq
        #expect(call.nextCSeq(for: .caller) == 0x8000_0000)
        #expect(call.nextCSeq(for: .callee) == 1)
        #expect(call.nextCSeq(for: .callee) == 2)
    }
}
