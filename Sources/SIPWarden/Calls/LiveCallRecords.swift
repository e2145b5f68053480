import Foundation
import NIOCore
import SIPTransport
import Storage
import Switch

/// Answered calls as the database keeps them while they last (`LiveCall`), and what a call
/// a crash left behind becomes at the next start: its record, closed at the time it was last
/// seen up and charged, and the dialog to hang both parties up.
enum LiveCallRecords {
    /// The row of a call just answered.
    static func liveCall(_ call: ActiveCall, now: Int64) -> LiveCall? {
        guard let answeredAt = call.record.answeredAt, let callee = call.callee, let calleeTag = call.calleeTag else { return nil }
        let price = call.tariff.map {
            LiveCall.Price(
                prefix: $0.prefix, pricePerMinuteMicros: $0.pricePerMinuteMicros, connectionFeeMicros: $0.connectionFeeMicros,
                incrementSeconds: $0.incrementSeconds, minimumSeconds: $0.minimumSeconds)
        }
        let state = LiveCall.State(
            record: CallRecordWriter.stored(call.record),
            caller: party(call.caller, tag: call.callerTag, target: call.callerTarget, cseq: call.callerCSeq),
            callee: party(callee, tag: calleeTag, target: call.calleeTarget, cseq: call.calleeCSeq ?? 0),
            callerFrom: call.callerFrom, callerTo: call.callerTo, forwardedFrom: call.forwardedFrom, maxSeconds: call.maxSeconds, price: price)
        return LiveCall(
            callID: call.record.callID, answeredAt: CallRecordWriter.date(answeredAt), lastSeenAt: CallRecordWriter.date(now), state: state)
    }

    private static func party(_ endpoint: CallEndpoint, tag: String, target: String?, cseq: UInt32) -> LiveCall.Party {
        LiveCall.Party(
            transport: endpoint.transport.rawValue, ip: endpoint.address.ipAddress ?? "", port: endpoint.address.port ?? 0, tag: tag,
            target: target, cseq: cseq)
    }

    /// A call left behind: its record, ended when it was last seen up (never past its
    /// allowed duration) and charged for that long.
    static func closedRecord(_ call: LiveCall) -> CallRecord {
        var record = call.state.record
        let answered = record.answeredAt ?? call.answeredAt
        let lastSeen = max(call.lastSeenAt, answered)
        let millis = Int(min(lastSeen.timeIntervalSince(answered) * 1000, Double(call.state.maxSeconds) * 1000).rounded())
        record.id = nil
        record.endedAt = answered.addingTimeInterval(Double(millis) / 1000)
        record.durationMillis = millis
        let seconds = min((millis + 999) / 1000, call.state.maxSeconds)
        if let price = call.state.price {
            let tariff = Tariff(
                prefix: price.prefix, pricePerMinuteMicros: price.pricePerMinuteMicros, connectionFeeMicros: price.connectionFeeMicros,
                incrementSeconds: price.incrementSeconds, minimumSeconds: price.minimumSeconds)
            record.billableSeconds = tariff.billedSeconds(seconds)
            record.costMicros = tariff.cost(seconds: seconds)
        } else {
            record.billableSeconds = seconds
        }
        record.status = 200
        record.reason = "server stopped while the call was up; closed at restart, at the time last seen"
        record.cause = HangupCause.serverRestart.rawValue
        record.hangupBy = HangupSide.server.rawValue
        return record
    }

    /// The dialog to hang up; nil when a party's address can no longer be read.
    static func orphan(_ call: LiveCall) -> OrphanDialog? {
        guard let caller = endpoint(call.state.caller), let callee = endpoint(call.state.callee) else { return nil }
        return OrphanDialog(
            callID: call.callID, caller: caller, callee: callee, callerTarget: call.state.caller.target, calleeTarget: call.state.callee.target,
            callerFrom: call.state.callerFrom, callerTo: call.state.callerTo, calleeTag: call.state.callee.tag,
            forwardedFrom: call.state.forwardedFrom, callerCSeq: call.state.caller.cseq, calleeCSeq: call.state.callee.cseq)
    }

    private static func endpoint(_ party: LiveCall.Party) -> CallEndpoint? {
        guard let transport = SIPTransportKind(rawValue: party.transport), let address = try? SocketAddress(ipAddress: party.ip, port: party.port) else {
            return nil
        }
        return CallEndpoint(transport: transport, address: address)
    }
}
