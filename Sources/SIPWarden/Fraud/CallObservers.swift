import UnixTime
import Console
import Foundation
import Switch

/// What watches calls besides the proxy: the fraud monitors and the live event channel. The
/// switch tells it of starts and answers (`CallWatcher`) and hands it every final record
/// (`CallRecordSink`), which it passes on to the record writer.
final class CallObservers: CallWatcher, CallRecordSink, Sendable {
    let writer: CallRecordWriter
    let fraud: FraudService?
    let events: EventHub

    init(writer: CallRecordWriter, fraud: FraudService?, events: EventHub) {
        self.writer = writer
        self.fraud = fraud
        self.events = events
    }

    func callStarting(_ call: ActiveCall) -> Bool {
        let allowed = fraud?.callStarting(call.record) ?? true
        if allowed { events.publish { Self.event("call.start", call.record, time: call.record.startedAt) } }
        return allowed
    }

    func callAnswered(_ call: ActiveCall) {
        writer.callAnswered(call)
        fraud?.callAnswered(call.record)
        events.publish { Self.event("call.answer", call.record, time: call.record.answeredAt ?? call.record.startedAt) }
    }

    func record(_ draft: CallRecordDraft) {
        writer.record(draft)
        fraud?.callEnded(draft)
        events.publish { Self.event("call.end", draft, time: draft.endedAt) }
    }

    /// A call event: who called what, and for its end the record's summary.
    static func event(_ type: String, _ record: CallRecordDraft, time: Int64) -> ServerEvent {
        var fields: [String: EventField] = [
            "call_id": .text(record.callID), "caller_kind": .text(record.callerKind.rawValue), "caller": .optional(record.callerName),
            "account_id": .optional(record.accountId), "device_id": .optional(record.deviceId), "source_ip": .text(record.sourceIP),
            "number": .text(record.dialledNumber), "destination": .optional(record.destination),
            "user_agent": .optional(record.userAgent),
        ]
        if type == "call.end" {
            fields["cause"] = .text(record.cause.rawValue)
            fields["status"] = .number(Int64(record.status))
            fields["reason"] = .text(record.reason)
            fields["hangup_by"] = .text(record.hangupBy.rawValue)
            fields["answered"] = .bool(record.answeredAt != nil)
            fields["duration_ms"] = .number(record.durationMillis)
            fields["billable_seconds"] = .number(Int64(record.billableSeconds))
            fields["cost_micros"] = .number(record.costMicros)
        }
        return ServerEvent(type: type, time: UnixTime.date(time), fields: fields)
    }
}
