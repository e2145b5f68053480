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

    @Test func sidesAreKnownByTheirTags() {
        var call = Self.call("a")
        call.calleeTag = "2"
        #expect(call.side(fromTag: "1") == .caller)
        #expect(call.side(fromTag: "2") == .callee)
        #expect(call.side(fromTag: "3") == nil)
    }
}
