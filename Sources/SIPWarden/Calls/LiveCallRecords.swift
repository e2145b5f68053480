import UnixTime
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
        let draft = call.record
        let price = call.tariff.map {
            LiveCall.Price(
                pricePerMinuteMicros: $0.pricePerMinuteMicros, connectionFeeMicros: $0.connectionFeeMicros, incrementSeconds: $0.incrementSeconds,
                minimumSeconds: $0.minimumSeconds)
        }
        let record = LiveCall.Record(
            startedAt: draft.startedAt, ringingAt: draft.ringingAt, callerKind: draft.callerKind.rawValue, accountId: draft.accountId,
            deviceId: draft.deviceId, callerName: draft.callerName, providerId: draft.providerId, sourceIP: draft.sourceIP,
            sourcePort: draft.sourcePort, transport: draft.transport, userAgent: draft.userAgent, fromHeader: draft.from, toHeader: draft.to,
            contact: draft.contact, requestURI: draft.requestURI, dialledNumber: draft.dialledNumber,
            destinationKind: draft.destinationKind.rawValue, destination: draft.destination, ratePrefix: draft.ratePrefix,
            callerID: draft.callerID, relatedCallID: draft.relatedCallID)
        return LiveCall(
            callID: draft.callID, answeredAt: answeredAt, lastSeenAt: now, record: record,
            caller: party(call.caller, tag: call.callerTag, target: call.callerTarget, cseq: call.callerCSeq),
            callee: party(callee, tag: calleeTag, target: call.calleeTarget, cseq: call.calleeCSeq ?? 0),
            callerFrom: call.callerFrom, callerTo: call.callerTo, forwardedFrom: call.forwardedFrom, maxSeconds: call.maxSeconds, price: price)
    }

    private static func party(_ endpoint: CallEndpoint, tag: String, target: String?, cseq: UInt32) -> LiveCall.Party {
        LiveCall.Party(
            transport: endpoint.transport.rawValue, ip: endpoint.address.ipAddress ?? "", port: endpoint.address.port ?? 0, tag: tag,
            target: target, cseq: cseq)
    }

    /// A call left behind: its record, ended when it was last seen up (never past its
    /// allowed duration) and charged for that long. The providers tried before the answer
    /// are not kept for it.
    static func closedRecord(_ call: LiveCall) -> CallRecord {
        let row = call.record
        let millis = Int(min(max(0, call.lastSeenAt - call.answeredAt), Int64(call.maxSeconds) * 1000))
        let seconds = min((millis + 999) / 1000, call.maxSeconds)
        var billable = seconds
        var cost: Int64 = 0
        if let price = call.price {
            let tariff = Tariff(
                prefix: row.ratePrefix ?? "", pricePerMinuteMicros: price.pricePerMinuteMicros, connectionFeeMicros: price.connectionFeeMicros,
                incrementSeconds: price.incrementSeconds, minimumSeconds: price.minimumSeconds)
            billable = tariff.billedSeconds(seconds)
            cost = tariff.cost(seconds: seconds)
        }
        return CallRecord(
            callID: call.callID, startedAt: UnixTime.date(row.startedAt), ringingAt: row.ringingAt.map(UnixTime.date),
            answeredAt: UnixTime.date(call.answeredAt), endedAt: UnixTime.date(call.answeredAt + Int64(millis)),
            durationMillis: millis, billableSeconds: billable, callerKind: row.callerKind, accountId: row.accountId, deviceId: row.deviceId,
            callerName: row.callerName, providerId: row.providerId, sourceIP: row.sourceIP, sourcePort: row.sourcePort, transport: row.transport,
            userAgent: row.userAgent, fromHeader: row.fromHeader, toHeader: row.toHeader, contact: row.contact, requestURI: row.requestURI,
            dialledNumber: row.dialledNumber, destinationKind: row.destinationKind, destination: row.destination, status: 200,
            reason: "server stopped while the call was up; closed at restart, at the time last seen", cause: HangupCause.serverRestart.rawValue,
            hangupBy: HangupSide.server.rawValue, costMicros: cost, ratePrefix: row.ratePrefix, relatedCallID: row.relatedCallID,
            callerID: row.callerID)
    }

    /// The dialog to hang up; nil when a party's address can no longer be read.
    static func orphan(_ call: LiveCall) -> OrphanDialog? {
        guard let caller = endpoint(call.caller), let callee = endpoint(call.callee) else { return nil }
        return OrphanDialog(
            callID: call.callID, caller: caller, callee: callee, callerTarget: call.caller.target, calleeTarget: call.callee.target,
            callerFrom: call.callerFrom, callerTo: call.callerTo, calleeTag: call.callee.tag, forwardedFrom: call.forwardedFrom,
            callerCSeq: call.caller.cseq, calleeCSeq: call.callee.cseq)
    }

    private static func endpoint(_ party: LiveCall.Party) -> CallEndpoint? {
        guard let transport = SIPTransportKind(rawValue: party.transport), let address = try? SocketAddress(ipAddress: party.ip, port: party.port) else {
            return nil
        }
        return CallEndpoint(transport: transport, address: address)
    }
}
