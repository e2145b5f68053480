import Foundation

/// The open-file limit the connection caps need. Every TCP/TLS connection, console
/// connection and socket is a file descriptor: with the usual soft limit of 1,024, a server
/// capped at 10,000 connections would fail at accept long before its caps, in ways an
/// attacker can cause. At start the soft limit is raised to what the caps need (never above
/// the hard limit); when the hard limit is too low, `serve` refuses to start and says which
/// setting to lower or which limit to raise.
enum FileDescriptorLimit {
    /// Descriptors beyond the connections: the database, logs, UDP sockets, listeners.
    static let reserve = 256

    /// What the configuration needs.
    static func needed(for configuration: ServerConfiguration) -> Int {
        configuration.transport.maxConnections + (configuration.console.host == nil ? 0 : configuration.console.maxConnections) + reserve
    }

    /// Raises the soft limit to `needed` when it is lower; the problem when the hard limit
    /// does not allow it. Returns the limit now in force.
    static func raise(to needed: Int) -> Result<Int, ServeRunner.StartupError> {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            return .failure(ServeRunner.StartupError(lines: ["cannot read the open-file limit (RLIMIT_NOFILE): errno \(errno)"]))
        }
        let want = rlim_t(needed)
        if limit.rlim_cur >= want { return .success(Int(clamping: limit.rlim_cur)) }
        guard limit.rlim_max >= want else {
            return .failure(ServeRunner.StartupError(lines: [
                "the open-file limit (RLIMIT_NOFILE, hard \(limit.rlim_max)) is below the \(needed) descriptors the connection caps need "
                    + "(sip.tcp.max_connections + console.max_connections + \(reserve)): lower those settings, or raise the limit "
                    + "(systemd LimitNOFILE=, ulimit -Hn)",
            ]))
        }
        limit.rlim_cur = want
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            return .failure(ServeRunner.StartupError(lines: ["cannot raise the open-file limit to \(needed): errno \(errno)"]))
        }
        return .success(needed)
    }
}
