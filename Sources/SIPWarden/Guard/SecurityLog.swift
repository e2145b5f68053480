import Console
import Foundation
import Guard
import Logging
import SecurityEvents
import SIPCore
import Synchronization

/// The security log: one structured line per ban, unban, would-be ban and device lock, on the
/// server's log with the label `sipwarden.guard` (format in docs/guard.md); and, when
/// configured, the same facts in the line formats fail2ban already parses (its own
/// `fail2ban.actions` Ban/Unban lines, and Asterisk's chan_sip failure lines), for tooling
/// built around them.
final class SecurityLog: Sendable {
    let logger: Logger
    private let fail2ban: Mutex<FileHandle?>
    private let writesFail2ban: Bool
    /// The live event channel: `guard.ban`, `guard.unban`, `guard.device_lock`,
    /// `guard.device_unlock`.
    let hub: EventHub?

    init(logger: Logger, fail2banPath: String?, hub: EventHub? = nil) {
        self.hub = hub
        var copy = logger
        copy[metadataKey: "subsystem"] = "guard"
        self.logger = copy
        var handle: FileHandle?
        if let fail2banPath {
            if !FileManager.default.fileExists(atPath: fail2banPath) {
                _ = FileManager.default.createFile(atPath: fail2banPath, contents: nil, attributes: [.posixPermissions: 0o640])
            }
            handle = FileHandle(forWritingAtPath: fail2banPath)
            _ = try? handle?.seekToEnd()
            if handle == nil { logger.error("cannot open the fail2ban log", metadata: ["path": "\(fail2banPath)"]) }
        }
        writesFail2ban = handle != nil
        fail2ban = Mutex(handle)
    }

    func ban(_ order: BanOrder, createdBy: String = "guard") {
        logger.notice("ban", metadata: metadata(order).merging(["by": "\(createdBy)"]) { a, _ in a })
        fail2banLine("NOTICE [\(order.jail)] Ban \(Self.fail2banAddress(order.network))")
        hub?.publish {
            ServerEvent(type: "guard.ban", time: order.start, fields: [
                "network": .text(order.network.description), "jail": .text(order.jail), "reason": .text(order.reason),
                "until": .optional(order.expiry.map(ServerEvent.timeText)), "offense": .number(Int64(order.offense)), "by": .text(createdBy),
            ])
        }
    }

    func wouldBan(_ order: BanOrder) {
        logger.notice("would ban (observe mode)", metadata: metadata(order))
    }

    /// A jail would have banned a configured provider's address (`guard.ban_providers` is
    /// off): the operator is told, the carrier keeps working.
    func providerSpared(_ order: BanOrder) {
        logger.warning("not banned: the address is a configured provider's (guard.ban_providers is off)", metadata: metadata(order))
        hub?.publish {
            ServerEvent(type: "guard.provider_spared", time: order.start, fields: [
                "network": .text(order.network.description), "jail": .text(order.jail), "reason": .text(order.reason),
            ])
        }
    }

    /// The ban table was full: `evicted` made room (nil: the new ban itself was the weakest
    /// and was not applied).
    func tableFull(limit: Int, evicted: Int, refused: Int) {
        logger.warning("ban table full: the weakest bans made room", metadata: [
            "max_active_bans": "\(limit)", "evicted": "\(evicted)", "refused": "\(refused)",
        ])
        hub?.publish {
            ServerEvent(type: "guard.ban_table_full", time: Date(), fields: [
                "limit": .number(Int64(limit)), "evicted": .number(Int64(evicted)), "refused": .number(Int64(refused)),
            ])
        }
    }

    func unban(network: String, jail: String, by: String) {
        logger.notice("unban", metadata: ["network": "\(network)", "jail": "\(jail)", "by": "\(by)"])
        hub?.publish { ServerEvent(type: "guard.unban", time: Date(), fields: ["network": .text(network), "jail": .text(jail), "by": .text(by)]) }
        if let parsed = try? GuardNetwork(parsing: network) {
            fail2banLine("NOTICE [\(jail)] Unban \(Self.fail2banAddress(parsed))")
        }
    }

    func lock(_ order: DeviceLockOrder) {
        logger.warning("device locked", metadata: [
            "username": "\(SafeText.escape(order.username))", "until": "\(Self.iso(order.until))", "reason": "\(order.reason)",
            "kept_sources": "\(order.keep.map(\.description).joined(separator: ","))",
        ])
        hub?.publish {
            ServerEvent(type: "guard.device_lock", time: Date(), fields: [
                "username": .text(order.username), "until": .text(ServerEvent.timeText(order.until)), "reason": .text(order.reason),
            ])
        }
    }

    func unlock(username: String) {
        logger.notice("device unlocked", metadata: ["username": "\(SafeText.escape(username))"])
        hub?.publish { ServerEvent(type: "guard.device_unlock", time: Date(), fields: ["username": .text(username)]) }
    }

    /// Asterisk's line for a failed registration, which fail2ban's asterisk filter matches.
    func failure(_ event: SecurityEvent) {
        guard writesFail2ban else { return }
        let cause: String
        switch event.kind {
        case .authFailure, .nonceReplay: cause = "Wrong password"
        case .unknownUser: cause = "No matching peer found"
        case .sourceRefused: cause = "Device does not match ACL"
        default: return
        }
        // The From header is attacker text: only printable ASCII without quotes gets through.
        let from = String(event.packet.from.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "'" }.prefix(120))
        let time = Self.asteriskTime.withLock { $0.string(from: event.time) }
        writeFail2ban("[\(time)] NOTICE[\(ProcessInfo.processInfo.processIdentifier)] chan_sip.c: Registration from '\(from)' failed for '\(event.source.ip):\(event.source.port)' - \(cause)")
    }

    private func metadata(_ order: BanOrder) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "network": "\(order.network)", "jail": "\(order.jail)", "reason": "\(order.reason)", "offense": "\(order.offense)",
            "until": "\(order.expiry.map(Self.iso) ?? "permanent")", "events": "\(order.evidence.count)",
        ]
        if let last = order.evidence.last {
            metadata["last_event"] = "\(last.event.kind.rawValue)"
            metadata["source"] = "\(last.event.source)"
            if let agent = last.event.packet.userAgent { metadata["user_agent"] = "\(SafeText.escape(agent))" }
            if let reason = last.event.reason { metadata["event_reason"] = "\(SafeText.escape(reason))" }
        }
        return metadata
    }

    private func fail2banLine(_ text: String) {
        guard writesFail2ban else { return }
        let time = Self.fail2banTime.withLock { $0.string(from: Date()) }
        writeFail2ban("\(time) fail2ban.actions        [\(ProcessInfo.processInfo.processIdentifier)]: \(text)")
    }

    private func writeFail2ban(_ line: String) {
        fail2ban.withLock { handle in
            guard let handle else { return }
            try? handle.write(contentsOf: Data((line + "\n").utf8))
        }
    }

    /// fail2ban writes IPv4 bans as the address alone; a network keeps its prefix.
    static func fail2banAddress(_ network: GuardNetwork) -> String {
        let text = network.description
        return text.hasSuffix("/32") && network.key.isIPv4 ? String(text.dropLast(3)) : text
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    private static let fail2banTime = Mutex(formatter("yyyy-MM-dd HH:mm:ss,SSS"))
    private static let asteriskTime = Mutex(formatter("yyyy-MM-dd HH:mm:ss"))

    private static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = format
        return formatter
    }
}
