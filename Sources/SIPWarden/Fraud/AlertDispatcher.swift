import UnixTime
import Console
import Foundation
import Fraud
import Logging
import SIPCore
import Storage
import Switch

/// A fraud alert as people receive it: the finding with names instead of ids, the figures in
/// the monitor's unit beside the raw ones, and what was done.
struct FraudAlert: Sendable {
    let finding: FraudFinding
    let accountName: String?
    let deviceName: String?
    let heldBack: Int
    let hungUp: Int
    let blocked: Bool

    var target: String {
        switch finding.scope {
        case .global: return "switch"
        case .account(let id): return "account \(id)" + (accountName.map { " \($0)" } ?? "")
        case .device(let id): return "device \(id)" + (deviceName.map { " \($0)" } ?? "")
        }
    }

    /// The event and webhook body (the same JSON object).
    var event: ServerEvent {
        let unit = finding.rule.kind.unit
        let context = finding.context
        return ServerEvent(type: "fraud.alert", time: UnixTime.date(finding.at), fields: [
            "rule": .text(finding.rule.name), "level": .text(finding.level.rawValue), "scope": .text(finding.scope.description),
            "measure": .text(finding.rule.kind.phrase), "unit": .text(unit.rawValue),
            "figure": .number(finding.figure), "threshold": .number(finding.threshold),
            "figure_text": .text(unit.format(finding.figure)), "threshold_text": .text(unit.format(finding.threshold)),
            "action": .text(finding.action.rawValue), "action_text": .text(finding.action.phrase),
            "account": context.accountId.map { .object(["id": .number($0), "name": .optional(accountName)]) } ?? .null,
            "device": context.deviceId.map { .object(["id": .number($0), "username": .optional(deviceName)]) } ?? .null,
            "call_id": .text(context.callID), "numbers": .texts(context.numbers), "countries": .texts(context.countries),
            "source_ips": .texts(context.sourceIPs), "held_back": .number(Int64(heldBack)),
            "account_blocked": .bool(blocked), "calls_hung_up": .number(Int64(hungUp)),
            "blocked_until": .optional(finding.blockedUntil.map { ServerEvent.timeText(UnixTime.date($0)) }),
            "summary": .text(summary),
        ])
    }

    /// One line: "account 3 acme: spend in the last hour at 52.30, critical level 50.00
    /// (account-spend-hour): block account".
    var summary: String {
        let unit = finding.rule.kind.unit
        return "\(target): \(finding.rule.kind.phrase) at \(unit.format(finding.figure)), \(finding.level.rawValue) level "
            + "\(unit.format(finding.threshold)) (\(finding.rule.name)): \(finding.action.phrase)"
    }

    var logDetails: [String: ActionLogValue] {
        [
            "rule": .text(finding.rule.name), "level": .text(finding.level.rawValue), "figure": .number(finding.figure),
            "threshold": .number(finding.threshold), "numbers": .list(finding.context.numbers),
            "countries": .list(finding.context.countries), "source_ips": .list(finding.context.sourceIPs),
            "held_back": .number(Int64(heldBack)),
        ]
    }
}

/// Sends fraud alerts everywhere they are configured to go: the log (label
/// `sipwarden.fraud`, every peer-given text escaped), the event channel, the webhooks and
/// e-mail. Webhooks and e-mail run in tasks of their own, so a slow receiver delays nobody.
struct AlertDispatcher: Sendable {
    let logger: Logger
    let events: EventHub
    let webhooks: WebhookSender?
    let email: EmailAlertSender?
    let database: AppDatabase
    let directory: @Sendable () -> CallerDirectory?

    func alert(for finding: FraudFinding, heldBack: Int, hungUp: Int, blocked: Bool) async -> FraudAlert {
        let accountName = finding.context.accountId.flatMap { id in (try? database.account(id: id))??.name }
        let deviceName = finding.context.deviceId.flatMap { id in directory()?.devicesById[id]?.username }
        return FraudAlert(finding: finding, accountName: accountName, deviceName: deviceName, heldBack: heldBack, hungUp: hungUp, blocked: blocked)
    }

    func send(_ alert: FraudAlert) {
        let metadata: Logger.Metadata = [
            "rule": "\(alert.finding.rule.name)", "level": "\(alert.finding.level.rawValue)", "target": "\(SafeText.escape(alert.target))",
            "numbers": "\(SafeText.escape(alert.finding.context.numbers.joined(separator: ",")))",
            "countries": "\(alert.finding.context.countries.joined(separator: ","))",
            "sources": "\(SafeText.escape(alert.finding.context.sourceIPs.joined(separator: ",")))",
            "held_back": "\(alert.heldBack)",
        ]
        // Warning level for both: the level is in the line; error and critical are kept for
        // the server's own failures.
        logger.warning("fraud alert: \(SafeText.escape(alert.summary))", metadata: metadata)
        let event = alert.event
        events.publish(event)
        if let webhooks { webhooks.deliver(event) }
        if let email { email.send(subject: "SIPWarden fraud alert: \(alert.summary)", body: event.json) }
    }
}
