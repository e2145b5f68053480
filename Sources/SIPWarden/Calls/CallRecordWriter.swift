import UnixTime
import Foundation
import Logging
import SecurityEvents
import SIPCore
import Storage
import Switch
import Synchronization

/// Takes finished calls' records from the event loops and writes them in batches, off the
/// SIP path: one transaction per batch, which also charges each call's cost to its account.
/// A batch that cannot be written is kept and tried again, so a record of a finished call
/// is not lost to a passing database error; the last flush runs at shutdown.
///
/// Answered calls are written down while they last (`LiveCall`), in the same batches, and
/// one heartbeat row says every `touchInterval` that they are still up: a crash then leaves a
/// trace that the next start closes, charges and hangs up (`closeLeftovers`).
final class CallRecordWriter: CallRecordSink, Sendable {
    let database: AppDatabase
    let ledger: Ledger
    let logger: Logger
    let wallClock: @Sendable () -> Int64
    private let pending = Mutex<[CallRecord]>([])
    private let answered = Mutex<[LiveCall]>([])
    private let lastTouch = Atomic<Int64>(0)
    private let writtenCount = Atomic<Int>(0)
    /// Past this many waiting records the oldest refused attempts are dropped (and
    /// counted); answered calls, which carry money, are always kept.
    static let pendingLimit = 200_000
    /// How often live calls' `lastSeenAt` moves on, in milliseconds: a call a crash left up
    /// is billed to at most this much before the crash.
    static let touchInterval: Int64 = 5_000

    init(database: AppDatabase, ledger: Ledger, logger: Logger, wallClock: @escaping @Sendable () -> Int64 = CallerSetup.unixMilliseconds) {
        self.database = database
        self.ledger = ledger
        self.logger = logger
        self.wallClock = wallClock
    }

    /// A call was answered: written down with the next batch.
    func callAnswered(_ call: ActiveCall) {
        guard let row = LiveCallRecords.liveCall(call, now: wallClock()) else { return }
        answered.withLock { $0.append(row) }
    }

    func record(_ draft: CallRecordDraft) {
        let record = Self.stored(draft)
        let dropped = pending.withLock { pending -> Bool in
            if pending.count >= Self.pendingLimit && record.answeredAt == nil { return true }
            pending.append(record)
            return false
        }
        if dropped { logger.warning("call record dropped: the writer fell behind", metadata: ["call_id": "\(SafeText.escape(draft.callID))"]) }
    }

    /// An INVITE nobody could be identified for (a challenge never answered, wrong
    /// credentials), or a scanner's: its record, from the security event.
    func recordRefusedInvite(_ event: SecurityEvent) {
        guard event.packet.method == "INVITE" else { return }
        let now = UnixTime.milliseconds(event.time)
        var draft = CallRecordDraft(
            callID: event.packet.callID, startedAt: now, callerKind: .unidentified, sourceIP: event.source.ip,
            sourcePort: event.source.port, transport: event.source.transport, from: event.packet.from, to: event.packet.to,
            requestURI: event.packet.requestURI, dialledNumber: Self.dialledNumber(event.packet.requestURI))
        draft.userAgent = event.packet.userAgent
        draft.contact = event.packet.contact
        draft.callerName = event.username
        draft.hangupBy = .server
        if event.kind == .scannerDetected {
            draft.cause = .scannerDetected
            draft.reason = "scanner: " + (event.reason ?? "fingerprint")
            draft.status = 0
        } else {
            draft.cause = .cannotDetermineCaller
            draft.reason = event.reason ?? "caller not identified"
            draft.status = 407
        }
        record(draft)
    }

    /// The user part of a SIP URI, or a tel URI's number, as the proxy reads it from a
    /// Request-URI (`sip:0033147310370@host` → `0033147310370`).
    static func dialledNumber(_ uri: String) -> String {
        switch try? AnyURI(parsing: uri) {
        case .sip(let sip): return sip.decodedUser.map { String(decoding: $0, as: UTF8.self) } ?? ""
        case .tel(let tel): return tel.number.string
        default: return ""
        }
    }

    var waiting: Int { pending.withLock { $0.count } }

    /// Records written to the database since start.
    var written: Int { writtenCount.load(ordering: .relaxed) }

    /// Writes what is waiting; called every second and at shutdown.
    func flush() {
        let answeredNow = answered.withLock { answered in
            defer { answered.removeAll() }
            return answered
        }
        let batch = pending.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        touchLiveCalls()
        // A call that ended in this same batch needs no row: the record is written with it.
        let ended = Set(batch.lazy.filter { $0.answeredAt != nil }.map(\.callID))
        let live = ended.isEmpty ? answeredNow : answeredNow.filter { !ended.contains($0.callID) }
        guard !batch.isEmpty || !live.isEmpty else { return }
        var charges: [Int64: Int64] = [:]
        for record in batch where record.costMicros != 0 {
            if let account = record.accountId { charges[account, default: 0] += record.costMicros }
        }
        do {
            let balances = try database.insertCharging(batch, accounts: Array(charges.keys), liveCalls: live)
            ledger.committed(charges: charges, balances: balances)
            writtenCount.add(batch.count, ordering: .relaxed)
        } catch {
            logger.error("call records not written (will retry)", metadata: ["count": "\(batch.count)", "error": "\(error)"])
            pending.withLock { $0.insert(contentsOf: batch, at: 0) }
            answered.withLock { $0.insert(contentsOf: live, at: 0) }
        }
    }

    /// Every `touchInterval`: the live calls are still up now.
    private func touchLiveCalls() {
        let now = wallClock()
        let last = lastTouch.load(ordering: .relaxed)
        guard now - last >= Self.touchInterval || now < last else { return }
        lastTouch.store(now, ordering: .relaxed)
        do {
            try database.touchLiveCalls(at: UnixTime.date(now))
        } catch {
            logger.error("live calls not marked as seen", metadata: ["error": "\(error)"])
        }
    }

    /// At start: the calls the last run left up (it was killed), closed at the time they were
    /// last seen up, charged, logged and put in the action log. Returns their dialogs, to be
    /// hung up once the listeners are bound.
    func closeLeftovers() throws -> [OrphanDialog] {
        let leftovers = try database.liveCalls()
        guard !leftovers.isEmpty else { return [] }
        let records = leftovers.map(LiveCallRecords.closedRecord)
        let accounts = Set(records.compactMap { $0.costMicros != 0 ? $0.accountId : nil })
        _ = try database.insertCharging(records, accounts: Array(accounts))
        let now = UnixTime.date(wallClock())
        for record in records {
            logger.warning("call left up by the last run closed", metadata: [
                "call_id": "\(SafeText.escape(record.callID))", "ended_at": "\(record.endedAt)", "billable_seconds": "\(record.billableSeconds)",
                "cost_micros": "\(record.costMicros)",
            ])
            _ = try? database.insert(ActionLogEntry(
                at: now, actor: "server", source: "", action: "call.closed_after_restart", target: "call \(record.callID)",
                reason: "the server stopped while the call was up; closed at the time last seen (\(record.endedAt.iso8601)), \(record.billableSeconds) s billed",
                hackingAttempt: false))
        }
        return leftovers.compactMap(LiveCallRecords.orphan)
    }

    /// The record as the database stores it.
    static func stored(_ draft: CallRecordDraft) -> CallRecord {
        CallRecord(
            callID: draft.callID, startedAt: UnixTime.date(draft.startedAt), ringingAt: draft.ringingAt.map(UnixTime.date),
            answeredAt: draft.answeredAt.map(UnixTime.date), endedAt: UnixTime.date(draft.endedAt), durationMillis: Int(draft.durationMillis),
            billableSeconds: draft.billableSeconds, callerKind: draft.callerKind.rawValue, accountId: draft.accountId,
            deviceId: draft.deviceId, callerName: draft.callerName, providerId: draft.providerId, sourceIP: draft.sourceIP,
            sourcePort: draft.sourcePort, transport: draft.transport, userAgent: draft.userAgent, fromHeader: draft.from,
            toHeader: draft.to, contact: draft.contact, requestURI: draft.requestURI, dialledNumber: draft.dialledNumber,
            destinationKind: draft.destinationKind.rawValue, destination: draft.destination,
            attempts: draft.attempts.map {
                CallAttempt(providerId: $0.providerId, providerName: $0.providerName, number: $0.number, status: $0.status, reason: $0.reason, startedAt: UnixTime.date($0.startedAt))
            },
            status: draft.status, reason: draft.reason, cause: draft.cause.rawValue, hangupBy: draft.hangupBy.rawValue,
            costMicros: draft.costMicros, ratePrefix: draft.ratePrefix, relatedCallID: draft.relatedCallID, callerID: draft.callerID)
    }

}
