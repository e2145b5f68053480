import Foundation
import Storage

/// How `cdr list` and `cdr show` write a call record: JSON objects and CSV rows with every
/// column, under the column's own name, and the short forms the table uses. Times are UTC
/// with milliseconds, the precision they are stored with: ringing and answer times a second
/// apart would otherwise look the same.
enum CallRecordOutput {
    static let csvHeader = [
        "id", "callID", "startedAt", "ringingAt", "answeredAt", "endedAt", "durationMillis", "billableSeconds",
        "callerKind", "accountId", "deviceId", "callerName", "providerId", "sourceIP", "sourcePort", "transport",
        "userAgent", "fromHeader", "toHeader", "contact", "requestURI", "dialledNumber", "destinationKind", "destination",
        "attempts", "status", "reason", "cause", "hangupBy", "costMicros", "ratePrefix", "callerID", "relatedCallID",
    ]

    static func csvFields(_ record: CallRecord) -> [String] {
        [
            String(record.id ?? 0), record.callID, record.startedAt.iso8601Milliseconds,
            record.ringingAt?.iso8601Milliseconds ?? "", record.answeredAt?.iso8601Milliseconds ?? "",
            record.endedAt.iso8601Milliseconds, String(record.durationMillis), String(record.billableSeconds),
            record.callerKind, record.accountId.map(String.init) ?? "", record.deviceId.map(String.init) ?? "",
            record.callerName ?? "", record.providerId.map(String.init) ?? "", record.sourceIP, String(record.sourcePort),
            record.transport, record.userAgent ?? "", record.fromHeader, record.toHeader, record.contact ?? "",
            record.requestURI, record.dialledNumber, record.destinationKind, record.destination ?? "",
            JSONValue.array(record.attempts.map(json)).serialized(), String(record.status), record.reason, record.cause,
            record.hangupBy, String(record.costMicros), record.ratePrefix ?? "", record.callerID ?? "", record.relatedCallID ?? "",
        ]
    }

    static func json(_ record: CallRecord) -> JSONValue {
        .object([
            ("id", .integer(record.id ?? 0)),
            ("callID", .string(record.callID)),
            ("startedAt", .string(record.startedAt.iso8601Milliseconds)),
            ("ringingAt", .string(record.ringingAt?.iso8601Milliseconds)),
            ("answeredAt", .string(record.answeredAt?.iso8601Milliseconds)),
            ("endedAt", .string(record.endedAt.iso8601Milliseconds)),
            ("durationMillis", .integer(record.durationMillis)),
            ("billableSeconds", .integer(record.billableSeconds)),
            ("callerKind", .string(record.callerKind)),
            ("accountId", record.accountId.map { .integer($0) } ?? .null),
            ("deviceId", record.deviceId.map { .integer($0) } ?? .null),
            ("callerName", .string(record.callerName)),
            ("providerId", record.providerId.map { .integer($0) } ?? .null),
            ("sourceIP", .string(record.sourceIP)),
            ("sourcePort", .integer(record.sourcePort)),
            ("transport", .string(record.transport)),
            ("userAgent", .string(record.userAgent)),
            ("fromHeader", .string(record.fromHeader)),
            ("toHeader", .string(record.toHeader)),
            ("contact", .string(record.contact)),
            ("requestURI", .string(record.requestURI)),
            ("dialledNumber", .string(record.dialledNumber)),
            ("destinationKind", .string(record.destinationKind)),
            ("destination", .string(record.destination)),
            ("attempts", .array(record.attempts.map(json))),
            ("status", .integer(record.status)),
            ("reason", .string(record.reason)),
            ("cause", .string(record.cause)),
            ("hangupBy", .string(record.hangupBy)),
            ("cost", .string(MoneyAmount.format(micros: record.costMicros))),
            ("costMicros", .integer(record.costMicros)),
            ("ratePrefix", .string(record.ratePrefix)),
            ("callerID", .string(record.callerID)),
            ("relatedCallID", .string(record.relatedCallID)),
        ])
    }

    static func json(_ attempt: CallAttempt) -> JSONValue {
        .object([
            ("providerId", .integer(attempt.providerId)),
            ("providerName", .string(attempt.providerName)),
            ("number", .string(attempt.number)),
            ("status", .integer(attempt.status)),
            ("reason", .string(attempt.reason)),
            ("startedAt", .string(attempt.startedAt.iso8601Milliseconds)),
        ])
    }

    /// Answered time in seconds with one decimal, rounded: `30.0`, `0.5`.
    static func seconds(millis: Int) -> String {
        let tenths = (max(0, millis) + 50) / 100
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// The device's username or provider's name; the kind for callers without one.
    static func caller(_ record: CallRecord) -> String {
        record.callerName ?? "(\(record.callerKind))"
    }

    /// `provider carrier number 5511#442079460000 → 503 Service Unavailable`.
    static func attemptLine(_ attempt: CallAttempt) -> String {
        let outcome = [attempt.status.map(String.init) ?? "no response", attempt.reason].compactMap { $0 }.joined(separator: " ")
        return "provider \(attempt.providerName) number \(attempt.number) → \(outcome)"
    }

    /// `udp 192.0.2.7:5060`, `tcp [2001:db8::7]:5060`.
    static func source(_ record: CallRecord) -> String {
        let host = record.sourceIP.contains(":") ? "[\(record.sourceIP)]" : record.sourceIP
        return "\(record.transport) \(host):\(record.sourcePort)"
    }
}

extension Date {
    /// ISO 8601 in UTC, to the millisecond: `2026-09-21T10:00:00.250Z`.
    var iso8601Milliseconds: String { formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
}
