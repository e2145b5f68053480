import Foundation
import Fraud
import Guard

/// Every configuration key, what its value must be, and what it means. The YAML file, the
/// `SIPWARDEN_...` environment variables and `config check` all go by this list: a key that
/// is not in it is an error, never silently ignored.
enum ConfigurationSchema {
    enum Kind: Equatable {
        case string
        case integer(ClosedRange<Int>)
        case boolean
        case stringList
        case logLevel
        /// A duration (`30s`, `10m`, `2h`, `7d`, `1w`, or seconds), or one of the words.
        case duration(words: [String])
        /// One of the words.
        case choice([String])
        /// A list of networks in CIDR notation (or bare addresses).
        case networkList
    }

    struct Key {
        let path: String
        let kind: Kind
        let meaning: String
    }

    static let keys: [Key] = [
        Key(path: "sip.listen", kind: .stringList, meaning: "SIP listeners, TRANSPORT:HOST:PORT (udp, tcp, tls)"),
        Key(path: "sip.domains", kind: .stringList, meaning: "host names that address the server itself"),
        Key(path: "sip.server_header", kind: .string, meaning: "Server header of responses (default empty: none, so that no answer names the product)"),
        Key(path: "sip.user_agent", kind: .string, meaning: "User-Agent of requests the server sends itself (default empty: none)"),
        Key(path: "sip.force_rport", kind: .boolean, meaning: "answer UDP requests at their source port even without rport"),
        Key(path: "sip.udp.vector_read_count", kind: .integer(1...256), meaning: "datagrams read per system call"),
        Key(path: "sip.udp.max_datagram_size", kind: .integer(512...65_535), meaning: "largest datagram read whole, in bytes"),
        Key(path: "sip.udp.receive_buffer_size", kind: .integer(65_536...268_435_456), meaning: "SO_RCVBUF of each UDP socket, in bytes (capped by net.core.rmem_max)"),
        Key(path: "sip.udp.sockets_per_address", kind: .integer(1...256), meaning: "UDP sockets per address (default: one per thread)"),
        Key(path: "sip.tcp.idle_timeout", kind: .integer(1...86_400), meaning: "seconds before an idle connection is closed"),
        Key(path: "sip.tcp.message_assembly_timeout", kind: .integer(1...3_600), meaning: "seconds a started message may take to arrive"),
        Key(path: "sip.tcp.max_connections_per_ip", kind: .integer(1...1_000_000), meaning: "open TCP/TLS connections per source IP"),
        Key(path: "sip.tcp.max_connections", kind: .integer(1...10_000_000), meaning: "open TCP/TLS connections in total"),
        Key(path: "sip.tls.certificate", kind: .string, meaning: "PEM certificate chain file; enables TLS"),
        Key(path: "sip.tls.private_key", kind: .string, meaning: "PEM private key file"),
        Key(path: "sip.tls.handshake_timeout", kind: .integer(1...600), meaning: "seconds a TLS handshake may take"),
        Key(path: "sip.limits.max_message_size", kind: .integer(256...16_777_216), meaning: "largest message, in bytes"),
        Key(path: "sip.limits.max_header_count", kind: .integer(8...10_000), meaning: "header fields per message"),
        Key(path: "sip.limits.max_header_length", kind: .integer(64...1_048_576), meaning: "longest header field, in bytes"),
        Key(path: "sip.limits.max_via_count", kind: .integer(1...1_000), meaning: "Via values per message"),
        Key(path: "sip.limits.max_uri_length", kind: .integer(16...1_048_576), meaning: "longest URI, in bytes"),
        Key(path: "sip.limits.max_body_size", kind: .integer(0...16_777_216), meaning: "largest body, in bytes"),
        Key(path: "sip.timers.t1_ms", kind: .integer(1...60_000), meaning: "RFC 3261 T1 (round-trip estimate), milliseconds"),
        Key(path: "sip.timers.t2_ms", kind: .integer(1...600_000), meaning: "RFC 3261 T2 (retransmit cap), milliseconds"),
        Key(path: "sip.timers.t4_ms", kind: .integer(1...600_000), meaning: "RFC 3261 T4 (network lifetime), milliseconds"),
        Key(path: "sip.transactions.max", kind: .integer(1...10_000_000), meaning: "live transactions per thread"),
        Key(path: "server.threads", kind: .integer(1...1_024), meaning: "event-loop threads (default: one per core)"),
        Key(path: "log.level", kind: .logLevel, meaning: "trace, debug, info, notice, warning, error or critical"),
        Key(path: "auth.realm", kind: .string, meaning: "realm of digest challenges (devices' HA1 values depend on it)"),
        Key(path: "auth.algorithms", kind: .stringList, meaning: "digest algorithms offered, most preferred first: MD5, SHA-256"),
        Key(path: "auth.nonce_lifetime", kind: .integer(10...86_400), meaning: "seconds a nonce is accepted"),
        Key(path: "auth.replay_table_size", kind: .integer(1_000...10_000_000), meaning: "nonces whose nonce-count is remembered"),
        Key(path: "auth.allow_guest", kind: .boolean, meaning: "unauthenticated calls may reach local DIDs"),
        Key(path: "auth.password.min_length", kind: .integer(1...128), meaning: "shortest SIP password the CLI accepts"),
        Key(path: "auth.password.require_mixed", kind: .boolean, meaning: "SIP passwords need letters, digits and other characters"),
        Key(path: "registrar.min_expires", kind: .integer(1...86_400), meaning: "shortest registration, seconds (shorter: 423)"),
        Key(path: "registrar.max_expires", kind: .integer(1...604_800), meaning: "longest registration, seconds (longer is shortened)"),
        Key(path: "registrar.default_expires", kind: .integer(1...604_800), meaning: "registration time when none is asked, seconds"),
    ] + guardKeys + fraudKeys + consoleKeys

    /// The `fraud` section (docs/fraud.md): global keys, then the same set for every
    /// monitor, its name with `_` for `-` (`fraud.monitors.account_spend_hour.critical`).
    static let fraudKeys: [Key] = [
        Key(path: "fraud.enabled", kind: .boolean, meaning: "toll-fraud monitors on (alerts, blocks, hang-ups)"),
        Key(path: "fraud.block_duration", kind: .duration(words: ["until-unblocked"]), meaning: "how long a monitor's block lasts (default: until an operator lifts it)"),
        Key(path: "fraud.alert_suppress", kind: .duration(words: []), meaning: "the same alert is held back for this long after it was sent"),
        Key(path: "fraud.webhooks", kind: .stringList, meaning: "URLs that alerts are POSTed to as JSON, signed with fraud.webhook_secret"),
        Key(path: "fraud.webhook_secret", kind: .string, meaning: "HMAC-SHA256 key of the X-SIPWarden-Signature header (16+ characters)"),
        Key(path: "fraud.email.smtp_host", kind: .string, meaning: "SMTP relay that takes alerts by e-mail (no authentication)"),
        Key(path: "fraud.email.smtp_port", kind: .integer(1...65_535), meaning: "port of the SMTP relay (default 25)"),
        Key(path: "fraud.email.from", kind: .string, meaning: "sender address of alert e-mails"),
        Key(path: "fraud.email.to", kind: .stringList, meaning: "recipients of alert e-mails"),
    ] + MonitorRule.defaults.flatMap { rule in
        let prefix = "fraud.monitors.\(FraudSettingsReader.keyName(rule))"
        let figure = FraudSettingsReader.expectation(rule.kind.unit)
        return [
            Key(path: prefix + ".enabled", kind: .boolean, meaning: "\(rule.name): on or off"),
            Key(path: prefix + ".warning", kind: .string, meaning: "\(rule.name): warning level, \(figure) (off: none)"),
            Key(path: prefix + ".critical", kind: .string, meaning: "\(rule.name): critical level, \(figure) (off: none)"),
            Key(path: prefix + ".warning_action", kind: .choice(["alert", "block", "block-and-hang-up"]), meaning: "\(rule.name): what the warning level does"),
            Key(path: prefix + ".critical_action", kind: .choice(["alert", "block", "block-and-hang-up"]), meaning: "\(rule.name): what the critical level does"),
            Key(path: prefix + ".block_duration", kind: .duration(words: ["until-unblocked"]), meaning: "\(rule.name): how long its blocks last"),
        ]
    }

    /// The HTTP listener: the live event channel (and the console, later).
    static let consoleKeys: [Key] = [
        Key(path: "console.listen", kind: .string, meaning: "HOST:PORT of the HTTP listener (event channel); empty: none"),
        Key(path: "events.allowed_networks", kind: .networkList, meaning: "networks that may open the event channel (default: 127.0.0.1/32, ::1/128)"),
        Key(path: "console.admin_networks", kind: .networkList, meaning: "networks admins may log in to the console from (default: any)"),
        Key(path: "console.tls.certificate", kind: .string, meaning: "PEM certificate chain: the console listener speaks HTTPS"),
        Key(path: "console.tls.private_key", kind: .string, meaning: "PEM private key of console.tls.certificate"),
        Key(path: "console.require_totp", kind: .boolean, meaning: "every console user needs a TOTP second factor (default: true)"),
        Key(path: "console.session_lifetime", kind: .integer(300...604_800), meaning: "seconds a console login lasts, 300 to 604800 (default: 28800)"),
        Key(path: "console.max_connections", kind: .integer(1...100_000), meaning: "HTTP connections at once (default: 256)"),
        Key(path: "console.max_connections_per_ip", kind: .integer(1...10_000), meaning: "HTTP connections at once from one address, an IPv6 /64 counted as one (default: 16)"),
        Key(path: "console.idle_timeout", kind: .integer(1...3_600), meaning: "seconds an HTTP connection may wait for a request before it is closed (default: 60)"),
        Key(path: "metrics.allowed_networks", kind: .networkList, meaning: "networks that may read /metrics (default: 127.0.0.0/8, ::1/128)"),
    ]

    /// The Guard's keys (docs/guard.md): global ones, then the same set for every jail, its
    /// name with `_` for `-` (`guard.jails.sip_auth.threshold`), so that every key has an
    /// environment variable.
    static let guardKeys: [Key] = [
        Key(path: "guard.enabled", kind: .boolean, meaning: "intrusion prevention on (jails, bans, scanner and flood detection)"),
        Key(path: "guard.trusted", kind: .networkList, meaning: "networks never counted nor banned (default: 127.0.0.1/32, ::1/128)"),
        Key(path: "guard.ban_response", kind: .choice(["drop", "403"]), meaning: "banned sources: silent drop, or 403 at most once per second"),
        Key(path: "guard.ipv6_prefix", kind: .integer(32...128), meaning: "IPv6 offenders are counted and banned by this prefix length"),
        Key(path: "guard.single_packet_ban", kind: .duration(words: []), meaning: "the longest first ban decided on one UDP packet (never permanent: its source may be spoofed)"),
        Key(path: "guard.single_packet_max_ban", kind: .duration(words: []), meaning: "repeated one-packet bans double up to this, never permanent"),
        Key(path: "guard.ban_providers", kind: .boolean, meaning: "let the jails ban configured providers' addresses (default: no, they are logged and alerted instead)"),
        Key(path: "guard.max_active_bans", kind: .integer(100...10_000_000), meaning: "bans in force at once; past it the weakest (one packet, shortest, newest) makes room"),
        Key(path: "guard.max_tracked_sources", kind: .integer(100...10_000_000), meaning: "sources counted at once (the quietest are forgotten first)"),
        Key(path: "guard.evidence_per_source", kind: .integer(1...100), meaning: "events kept per source to explain its ban"),
        Key(path: "guard.headroom.factor", kind: .integer(1...100), meaning: "threshold multiplier for registered and recently authenticated sources"),
        Key(path: "guard.headroom.after_auth", kind: .duration(words: []), meaning: "how long a successful authentication gives headroom"),
        Key(path: "guard.device_lock.enabled", kind: .boolean, meaning: "lock a device's authentication from new sources under distributed guessing"),
        Key(path: "guard.device_lock.failures", kind: .integer(2...1_000_000), meaning: "failed authentications for one device that lock it..."),
        Key(path: "guard.device_lock.sources", kind: .integer(2...1_000_000), meaning: "...from at least this many sources..."),
        Key(path: "guard.device_lock.window", kind: .duration(words: []), meaning: "...within this time"),
        Key(path: "guard.device_lock.duration", kind: .duration(words: []), meaning: "how long the lock lasts"),
        Key(path: "guard.scanners.enabled", kind: .boolean, meaning: "fingerprint attack tools (User-Agent and packet shape)"),
        Key(path: "guard.scanners.user_agents", kind: .stringList, meaning: "User-Agent substrings of attack tools (replaces the built-in list)"),
        Key(path: "guard.countries.database", kind: .string, meaning: "MaxMind-format country database (.mmdb: GeoLite2-Country, DB-IP lite)"),
        Key(path: "guard.countries.mode", kind: .choice(["allow", "deny"]), meaning: "admit only the listed countries, or all but them"),
        Key(path: "guard.countries.list", kind: .stringList, meaning: "ISO 3166-1 alpha-2 country codes"),
        Key(path: "guard.countries.exceptions", kind: .networkList, meaning: "networks admitted whatever their country"),
        Key(path: "guard.countries.unknown", kind: .choice(["admit", "refuse"]), meaning: "addresses the database does not place"),
        Key(path: "calls.max_duration", kind: .integer(1...604_800), meaning: "longest answered call, seconds (the switch then sends BYE to both sides)"),
        Key(path: "calls.ring_timeout", kind: .integer(1...3_600), meaning: "seconds a call may ring unanswered (then 408, cause no-answer)"),
        Key(path: "calls.provider_timeout", kind: .integer(1...60), meaning: "seconds a provider may stay silent before the next one is tried"),
        Key(path: "calls.no_route_status", kind: .integer(400...499), meaning: "answer to an unroutable number or unknown DID: 404 or 403"),
        Key(path: "calls.access_codes", kind: .stringList, meaning: "international access codes of the switch's country (default 00)"),
        Key(path: "calls.deny_list", kind: .string, meaning: "deny-list file replacing the built-in high-risk prefixes"),
        Key(path: "guard.blocklist", kind: .string, meaning: "file of IPs and CIDRs to ban, one per line (re-read when it changes)"),
        Key(path: "guard.fail2ban_log", kind: .string, meaning: "also write bans and failures in fail2ban/Asterisk line formats to this file"),
        Key(path: "guard.nftables_set", kind: .string, meaning: "also add bans to this nftables set (FAMILY TABLE SET, needs CAP_NET_ADMIN)"),
    ] + Jail.defaults.flatMap { jail in
        let prefix = "guard.jails.\(jail.name.replacingOccurrences(of: "-", with: "_"))"
        return [
            Key(path: prefix + ".enabled", kind: .boolean, meaning: "\(jail.name): on or off"),
            Key(path: prefix + ".mode", kind: .choice(["enforce", "observe"]), meaning: "\(jail.name): ban, or only log what would be banned"),
            Key(path: prefix + ".counts", kind: .stringList, meaning: "\(jail.name): event kinds counted, KIND or KIND:WEIGHT"),
            Key(path: prefix + ".threshold", kind: .integer(1...1_000_000), meaning: "\(jail.name): weight within the window that bans"),
            Key(path: prefix + ".window", kind: .duration(words: ["forever"]), meaning: "\(jail.name): time over which weights add up"),
            Key(path: prefix + ".ban", kind: .duration(words: ["permanent"]), meaning: "\(jail.name): first ban's length"),
            Key(path: prefix + ".escalation", kind: .integer(1...16), meaning: "\(jail.name): each repeat ban lasts this many times the previous"),
            Key(path: prefix + ".max_ban", kind: .duration(words: ["none"]), meaning: "\(jail.name): an escalated ban longer than this is permanent"),
        ]
    }

    static let byPath: [String: Key] = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })

    /// Section names that may hold keys (`sip`, `sip.udp`...).
    static let sections: Set<String> = {
        var sections: Set<String> = []
        for key in keys {
            var parts = key.path.split(separator: ".").dropLast()
            while !parts.isEmpty {
                sections.insert(parts.joined(separator: "."))
                parts = parts.dropLast()
            }
        }
        return sections
    }()

    /// The environment variable that overrides `path`: `SIPWARDEN_` and the key in upper
    /// case with dots as underscores (`sip.tcp.idle_timeout` → `SIPWARDEN_SIP_TCP_IDLE_TIMEOUT`).
    static func environmentName(of path: String) -> String {
        "SIPWARDEN_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static let byEnvironmentName: [String: Key] = Dictionary(uniqueKeysWithValues: keys.map { (environmentName(of: $0.path), $0) })
}
