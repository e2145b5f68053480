import Foundation
import Guard
import Synchronization

/// Kernel offload: bans also go into an nftables set, with the same expiry, so the kernel
/// drops a banned source's packets before they reach the process. The set must exist with
/// `flags interval, timeout` and a rule that drops its members (docs/guard.md); adding needs
/// CAP_NET_ADMIN. A failure is reported once and the offload turned off: the in-process
/// filter keeps working either way.
final class NFTablesSet: Sendable {
    let family: String
    let table: String
    let name: String
    private let failed = Mutex(false)

    init?(specification: String) {
        let parts = specification.split(separator: " ").map(String.init)
        guard parts.count == 3 else { return nil }
        (family, table, name) = (parts[0], parts[1], parts[2])
    }

    /// The arguments of `nft` that add `elements` (network, seconds; nil: no timeout), all of
    /// one family, in one command.
    func addArguments(_ elements: [(network: GuardNetwork, seconds: Int?)], ipv4: Bool) -> [String] {
        let text = elements.map { element in
            element.seconds.map { "\(element.network) timeout \(max(1, $0))s" } ?? element.network.description
        }
        return ["add", "element", family, table, ipv4 ? name : name + "6", "{ \(text.joined(separator: ", ")) }"]
    }

    /// Adds the bans, one `nft` run per address family; returns an error line the first time
    /// adding fails.
    func add(_ elements: [(network: GuardNetwork, seconds: Int?)]) -> String? {
        for ipv4 in [true, false] {
            let family = elements.filter { $0.network.key.isIPv4 == ipv4 }
            guard !family.isEmpty else { continue }
            if let problem = run(addArguments(family, ipv4: ipv4)) { return problem }
        }
        return nil
    }

    /// Deletes the elements of lifted bans, one `nft` run each: an element already gone
    /// (its timeout passed) is not an error, and must not turn the offload off.
    func remove(_ networks: [GuardNetwork]) {
        guard !networks.isEmpty, !failed.withLock({ $0 }) else { return }
        for network in networks {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/nft")
            process.arguments = ["delete", "element", family, table, network.key.isIPv4 ? name : name + "6", "{ \(network) }"]
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
                process.waitUntilExit()
            } catch {
                return
            }
        }
    }

    private func run(_ arguments: [String]) -> String? {
        let wasFailed = failed.withLock { $0 }
        guard !wasFailed else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nft")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            failed.withLock { $0 = true }
            return "cannot run /usr/sbin/nft: \(error.localizedDescription)"
        }
        guard process.terminationStatus == 0 else {
            failed.withLock { $0 = true }
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return "nft failed (status \(process.terminationStatus)): \(text.split(whereSeparator: \.isNewline).first ?? "")"
        }
        return nil
    }
}
