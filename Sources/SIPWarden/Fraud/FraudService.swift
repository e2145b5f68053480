import UnixTime
import Console
import Foundation
import Fraud
import Logging
import SIPCore
import ServiceLifecycle
import Storage
import Switch
import Synchronization

/// The toll-fraud monitors at work: fed every call as it starts and ends (on the event
/// loops, through `CallObservers`), they block an account the moment one of its calls
/// takes it over a critical level (that call is refused, and later ones are refused with
/// cause `account-blocked`), and this service carries out the rest off the SIP path: the
/// block written to the database and the action log, live calls hung up, the alert sent
/// (log, event channel, webhooks, e-mail), timed blocks lifted when their time comes.
///
/// At start the monitors are rebuilt from the call records of their longest window, so a
/// restart does not reset them.
final class FraudService: Service, Sendable {
    enum Work: Sendable {
        case finding(FraudFinding)
    }

    let settings: FraudSettings
    let monitor: SharedFraudMonitor
    let builder: FraudCallBuilder
    let database: AppDatabase
    let alerts: AlertDispatcher
    let events: EventHub
    let logger: Logger
    let wallClock: @Sendable () -> Int64
    let callSettings: CallSettings
    private let suppressor: Mutex<AlertSuppressor>
    private let carriedOut = Mutex(FraudActionCounts())
    private let server = Mutex<SIPServer?>(nil)
    /// The calls whose routing a block changes (set once they exist: they watch through
    /// this service).
    private let callServices = Mutex<CallServices?>(nil)
    private let work: AsyncStream<Work>
    private let workInput: AsyncStream<Work>.Continuation

    init(
        settings: FraudSettings, callSettings: CallSettings, database: AppDatabase, alerts: AlertDispatcher,
        events: EventHub, logger: Logger, wallClock: @escaping @Sendable () -> Int64
    ) {
        self.settings = settings
        self.monitor = SharedFraudMonitor(FraudMonitor(rules: settings.rules))
        self.builder = FraudCallBuilder(settings: callSettings)
        self.database = database
        self.alerts = alerts
        self.events = events
        self.logger = logger
        self.wallClock = wallClock
        self.callSettings = callSettings
        self.suppressor = Mutex(AlertSuppressor(periodMillis: Int64(settings.alertSuppressSeconds) * 1000))
        (work, workInput) = AsyncStream.makeStream(of: Work.self, bufferingPolicy: .unbounded)
    }

    /// The server whose calls a block-and-hang-up ends (set once it exists).
    func attach(server: SIPServer) {
        self.server.withLock { $0 = server }
    }

    func attach(calls: CallServices) {
        callServices.withLock { $0 = calls }
    }

    private var calls: CallServices? { callServices.withLock { $0 } }

    /// The actions carried out since start.
    var actionCounts: FraudActionCounts { carriedOut.withLock { $0 } }

    // MARK: - Facts (event loops)

    /// A call about to be forwarded; false when it took its account over a level that
    /// blocks it.
    func callStarting(_ record: CallRecordDraft) -> Bool {
        guard Self.watches(record) else { return true }
        let call = builder.call(record)
        let findings = monitor.record(.started(call, at: record.startedAt), now: wallClock())
        return !handle(findings, blocking: record.accountId)
    }

    func callAnswered(_ record: CallRecordDraft) {
        guard Self.watches(record), let answeredAt = record.answeredAt else { return }
        _ = monitor.record(.answered(builder.call(record), at: answeredAt), now: wallClock())
    }

    /// A call's final record: its end (and its start, for a call refused before it was
    /// forwarded; a start already seen is not counted twice).
    func callEnded(_ record: CallRecordDraft) {
        guard Self.watches(record) else { return }
        let call = builder.call(record)
        var findings: [FraudFinding] = []
        let now = wallClock()
        for fact in Self.facts(of: record, call: call) {
            findings += monitor.record(fact, now: now)
        }
        _ = handle(findings, blocking: nil)
    }

    /// Calls that leave the switch, and attempts that never reached a destination (refused
    /// before: a blocked account, a denied prefix, no route): that is where toll fraud
    /// costs money. Calls to the switch's own devices (extensions, DIDs) cost nothing and
    /// are not counted; an unidentified INVITE has nobody to count against (the Guard deals
    /// with those).
    static func watches(_ record: CallRecordDraft) -> Bool {
        record.callerKind != .unidentified && record.destinationKind != .device
    }

    static func facts(of record: CallRecordDraft, call: FraudCall) -> [FraudCallFact] {
        FraudCallFact.lifecycle(
            of: call, startedAt: record.startedAt, answeredAt: record.answeredAt, endedAt: record.endedAt,
            billableSeconds: record.billableSeconds, durationMillis: record.durationMillis, costMicros: record.costMicros)
    }

    /// Applies the blocks of `findings` to routing at once and queues the rest; returns
    /// whether `account` (the current call's) is now blocked by one of them.
    private func handle(_ findings: [FraudFinding], blocking account: Int64?) -> Bool {
        var blocksCurrent = false
        for finding in findings {
            if let blocked = finding.accountToBlock {
                calls?.hold(blockedAccount: blocked, reason: Self.blockReason(finding))
                if blocked == account { blocksCurrent = true }
            }
            workInput.yield(.finding(finding))
        }
        return blocksCurrent
    }

    static func blockReason(_ finding: FraudFinding) -> String {
        "fraud monitor \(finding.rule.name): \(finding.rule.kind.phrase) at \(finding.rule.kind.unit.format(finding.figure)), "
            + "\(finding.level.rawValue) level \(finding.rule.kind.unit.format(finding.threshold))"
    }

    // MARK: - Rebuild

    /// Feeds the monitors the stored records of their longest window.
    func rebuild() throws {
        let now = wallClock()
        let horizon = monitor.snapshot.replayHorizonMillis
        var facts: [FraudCallFact] = []
        var records = 0
        try database.forEachCallRecord(from: UnixTime.date(now - horizon), to: UnixTime.date(now + 1)) { stored in
            let draft = Self.draft(stored)
            guard Self.watches(draft) else { return }
            records += 1
            facts += Self.facts(of: draft, call: builder.call(draft))
        }
        monitor.replay(facts, now: now)
        logger.log(level: records > 0 ? .info : .debug, "fraud monitors rebuilt from call records", metadata: ["records": "\(records)", "days": "\(horizon / 86_400_000)"])
    }

    /// The parts of a stored record the monitors read.
    static func draft(_ stored: CallRecord) -> CallRecordDraft {
        var draft = CallRecordDraft(
            callID: stored.callID, startedAt: UnixTime.milliseconds(stored.startedAt),
            callerKind: CallRecordDraft.CallerKind(rawValue: stored.callerKind) ?? .device, sourceIP: stored.sourceIP,
            sourcePort: stored.sourcePort, transport: stored.transport, from: "", to: "", requestURI: "", dialledNumber: stored.dialledNumber)
        draft.accountId = stored.accountId
        draft.deviceId = stored.deviceId
        draft.answeredAt = stored.answeredAt.map(UnixTime.milliseconds)
        draft.endedAt = UnixTime.milliseconds(stored.endedAt)
        draft.destinationKind = CallRecordDraft.DestinationKind(rawValue: stored.destinationKind) ?? .none
        draft.billableSeconds = stored.billableSeconds
        draft.costMicros = stored.costMicros
        return draft
    }

    // MARK: - Actions (off the event loops)

    func run() async throws {
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                await tick()
            }
        }
        // At shutdown the queue is closed, not dropped: findings already queued are still
        // carried out (their blocks written) before the service returns.
        await withGracefulShutdownHandler {
            for await item in self.work {
                switch item {
                case .finding(let finding): await self.carryOut(finding)
                }
            }
        } onGracefulShutdown: {
            self.workInput.finish()
        }
        ticker.cancel()
    }

    func carryOut(_ finding: FraudFinding) async {
        var blockedNow = false
        if finding.accountToBlock != nil { blockedNow = await writeBlock(finding) }
        var hungUp = 0
        if blockedNow, finding.action.hangsUpCalls, let account = finding.accountToBlock,
            let server = server.withLock({ $0 })
        {
            hungUp = await server.stopCalls(accountId: account, reason: "account blocked: \(finding.rule.name)")
            log(ActionLogEntry(
                at: UnixTime.date(wallClock()), actor: "fraud-monitor", action: "account.hang-up", target: target(account),
                reason: Self.blockReason(finding), details: ["calls": .number(Int64(hungUp))]))
        }
        let verdict = suppressor.withLock { $0.admit(finding, now: wallClock()) }
        let alerted: Bool
        if case .send = verdict { alerted = true } else { alerted = false }
        carriedOut.withLock { counts in
            if blockedNow { counts.blocks += 1 }
            counts.hangUps += hungUp
            if alerted { counts.alerts += 1 }
        }
        guard case .send(let heldBack) = verdict else { return }
        let alert = await alerts.alert(for: finding, heldBack: heldBack, hungUp: hungUp, blocked: blockedNow)
        alerts.send(alert)
        log(ActionLogEntry(
            at: UnixTime.date(wallClock()), actor: "fraud-monitor", action: "fraud.alert", target: alert.target,
            reason: finding.description, details: alert.logDetails))
    }

    /// Writes the block of a finding; true when the account was not blocked before.
    @discardableResult
    func writeBlock(_ finding: FraudFinding) async -> Bool {
        guard let account = finding.accountToBlock else { return false }
        let reason = Self.blockReason(finding)
        let until = finding.blockedUntil.map(UnixTime.date)
        var details: [String: ActionLogValue] = [
            "rule": .text(finding.rule.name), "level": .text(finding.level.rawValue), "figure": .number(finding.figure),
            "threshold": .number(finding.threshold), "call_id": .text(finding.context.callID),
            "numbers": .list(finding.context.numbers), "countries": .list(finding.context.countries),
            "source_ips": .list(finding.context.sourceIPs),
        ]
        if let until { details["until"] = .text(ServerEvent.timeText(until)) }
        let entry = ActionLogEntry(
            at: UnixTime.date(finding.at), actor: "fraud-monitor", action: "account.block", target: "account \(account)", reason: reason,
            details: details)
        do {
            let before = try database.block(accountId: account, reason: reason, until: until, log: entry)
            calls?.releaseHold(accountId: account)
            guard let before, !before.blocked else { return false }
            logger.warning(
                "account blocked",
                metadata: ["account": "\(account)", "name": "\(SafeText.escape(before.name))", "reason": "\(reason)",
                           "until": "\(until.map(ServerEvent.timeText) ?? "lifted by an operator")"])
            events.publish {
                ServerEvent(type: "fraud.block", time: UnixTime.date(finding.at), fields: [
                    "account": .object(["id": .number(account), "name": .text(before.name)]), "reason": .text(reason),
                    "rule": .text(finding.rule.name), "until": .optional(until.map(ServerEvent.timeText)),
                ])
            }
            return true
        } catch {
            // The hold stays in memory: the account stays blocked until the server restarts.
            logger.error("account block not written", metadata: ["account": "\(account)", "error": "\(error)"])
            return true
        }
    }

    func tick() async {
        let now = wallClock()
        monitor.expire(now: now)
        _ = suppressor.withLock { $0.expire(now: now) }
        do {
            let lifted = try database.liftExpiredAccountBlocks(at: UnixTime.date(now))
            guard !lifted.isEmpty else { return }
            // The service's own writes do not change the database's data_version, so the
            // maintenance service would not reload routing for them.
            if let calls { try CallRoutingLoader.reload(calls, database: database, settings: callSettings, logger: logger) }
            for account in lifted {
                logger.notice("account unblocked: its block's time ended", metadata: ["account": "\(account.id ?? 0)", "name": "\(SafeText.escape(account.name))"])
                events.publish {
                    ServerEvent(type: "fraud.unblock", time: UnixTime.date(now), fields: [
                        "account": .object(["id": .optional(account.id), "name": .text(account.name)]), "by": .text("expiry"),
                    ])
                }
            }
        } catch {
            logger.error("expired account blocks not lifted (will retry)", metadata: ["error": "\(error)"])
        }
    }

    private func target(_ account: Int64) -> String {
        let name = (try? database.account(id: account))??.name
        return "account \(account)" + (name.map { " \($0)" } ?? "")
    }

    private func log(_ entry: ActionLogEntry) {
        do {
            try database.insert(entry)
        } catch {
            logger.error("action log entry not written", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
    }
}
