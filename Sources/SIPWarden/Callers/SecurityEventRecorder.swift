import Console
import Foundation
import Logging
import SecurityEvents
import ServiceLifecycle
import SIPCore
import Storage
import Synchronization

/// Consumes the security events: logs each one (every peer-sent field escaped), and stores
/// the unidentified call attempts, in batches, as the "cannot determine who is calling"
/// records. The intrusion-prevention engine will read the same stream.
final class SecurityEventRecorder: Service, Sendable {
    let queue: SecurityEventQueue
    let database: AppDatabase
    let logger: Logger
    /// Refused INVITEs also get a call record (cause cannot-determine-caller or
    /// scanner-detected).
    let callRecords: CallRecordWriter?
    /// The live event channel: `security.KIND` for every event.
    let hub: EventHub?
    /// Attempts waiting to be written; `flush()` writes them in one transaction.
    private let pending = Mutex<[UnidentifiedAttempt]>([])
    /// More than this many waiting attempts are dropped (and counted) rather than kept.
    static let pendingLimit = 100_000

    /// How often the queue is drained.
    static let interval: Duration = .milliseconds(100)

    init(queue: SecurityEventQueue, database: AppDatabase, logger: Logger, callRecords: CallRecordWriter? = nil, hub: EventHub? = nil) {
        self.hub = hub
        self.callRecords = callRecords
        self.queue = queue
        self.database = database
        self.logger = logger
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            drain()
            do {
                try await Task.sleep(for: Self.interval)
            } catch {
                break
            }
        }
        drain()
        flush()
    }

    /// Records every waiting event.
    func drain() {
        let (events, dropped) = queue.drain()
        for event in events { record(event) }
        if dropped > 0 {
            logger.warning("security events dropped: the recorder fell behind", metadata: ["count": "\(dropped)"])
        }
    }

    /// Logs an event and queues it for storage when it is an unidentified attempt.
    func record(_ event: SecurityEvent) {
        log(event)
        hub?.publish { Self.serverEvent(event) }
        if event.kind == .unidentifiedCallAttempt || event.kind == .scannerDetected {
            callRecords?.recordRefusedInvite(event)
        }
        if event.kind == .unidentifiedCallAttempt {
            let attempt = Self.attempt(from: event)
            pending.withLock { if $0.count < Self.pendingLimit { $0.append(attempt) } }
        }
    }

    /// The event channel's form of a security event (its text fields as the peer sent them).
    static func serverEvent(_ event: SecurityEvent) -> ServerEvent {
        ServerEvent(type: "security.\(event.kind.rawValue)", time: event.time, fields: [
            "source_ip": .text(event.source.ip), "source_port": .number(Int64(event.source.port)), "transport": .text(event.source.transport),
            "username": .optional(event.username), "reason": .optional(event.reason), "method": .text(event.packet.method),
            "request_uri": .text(event.packet.requestURI), "from": .text(event.packet.from), "to": .text(event.packet.to),
            "call_id": .text(event.packet.callID), "user_agent": .optional(event.packet.userAgent),
        ])
    }

    /// Writes the waiting attempts (called every second by the maintenance service).
    func flush() {
        let batch = pending.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try database.insert(batch)
        } catch {
            logger.error("unidentified attempts not stored", metadata: ["count": "\(batch.count)", "error": "\(error)"])
        }
    }

    private func log(_ event: SecurityEvent) {
        // One line per event at debug level only (the Guard's decisions are the notice-level
        // lines); the unidentified call attempt is the exception, the operator's "cannot
        // determine who is calling" record. The metadata is not even built otherwise.
        if event.kind != .unidentifiedCallAttempt && logger.logLevel > .debug { return }
        var metadata: Logger.Metadata = [
            "event": "\(event.kind.rawValue)",
            "source": "\(event.source)",
            "method": "\(SafeText.escape(event.packet.method))",
            "call_id": "\(SafeText.escape(event.packet.callID))",
        ]
        if let username = event.username { metadata["username"] = "\(SafeText.escape(username))" }
        if let reason = event.reason { metadata["reason"] = "\(SafeText.escape(reason))" }
        if let agent = event.packet.userAgent { metadata["user_agent"] = "\(SafeText.escape(agent))" }
        switch event.kind {
        case .authSuccess:
            logger.debug("authenticated", metadata: metadata)
        case .unidentifiedCallAttempt:
            metadata["from"] = "\(SafeText.escape(event.packet.from))"
            metadata["to"] = "\(SafeText.escape(event.packet.to))"
            metadata["request_uri"] = "\(SafeText.escape(event.packet.requestURI))"
            logger.notice("cannot determine who is calling", metadata: metadata)
        default:
            logger.debug("security event", metadata: metadata)
        }
    }

    static func attempt(from event: SecurityEvent) -> UnidentifiedAttempt {
        UnidentifiedAttempt(
            occurredAt: event.time, sourceIP: event.source.ip, sourcePort: event.source.port, transport: event.source.transport,
            method: event.packet.method, requestURI: event.packet.requestURI, fromHeader: event.packet.from,
            toHeader: event.packet.to, contact: event.packet.contact, userAgent: event.packet.userAgent,
            callID: event.packet.callID, reason: event.reason ?? "", username: event.username)
    }
}
