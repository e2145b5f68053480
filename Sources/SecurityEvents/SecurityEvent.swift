public import Foundation

/// Something security-relevant that happened to one request: the registrar and caller
/// identification emit these, the intrusion-prevention engine counts them, the console shows
/// them. Every text field is what the peer sent (attacker-controlled): escape it wherever it is
/// shown.
public struct SecurityEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// Digest credentials for a known device with a wrong response. The peer is answered
        /// exactly as for `unknownUser`; only this event tells the two apart.
        case authFailure = "auth_failure"
        /// Digest credentials naming no device.
        case unknownUser = "unknown_user"
        /// A nonce-count or nonce used again with different content (a replayed request).
        case nonceReplay = "nonce_replay"
        /// Right credentials from a source outside the device's allowed networks, or from a
        /// new source of a device locked against distributed guessing.
        case sourceRefused = "source_refused"
        /// Right credentials on a nonce that expired or was forgotten: answered `stale=true`
        /// (RFC 7616 §3.3). Seen, not counted by default: phones hold nonces for a while.
        case staleNonce = "stale_nonce"
        /// A message that claims to be what it cannot be: an in-dialog request from an
        /// address that is not the dialog's party, a response along a Via the server did not
        /// write. Counted with malformed messages.
        case forgedMessage = "forged_message"
        /// A call attempt nobody could be identified for: its challenge was answered with bad
        /// credentials, or not answered with valid ones for the same Call-ID in time (the
        /// "cannot determine who is calling" record).
        case unidentifiedCallAttempt = "unidentified_call_attempt"
        /// A device authenticated (not a threat: the engine uses it to give a source headroom).
        case authSuccess = "auth_success"
        /// A request that fingerprints as a known attack tool (the reason names the rule).
        case scannerDetected = "scanner_detected"
        /// A source sent more requests in the flood window than the sip-flood jail allows
        /// (counted at the ingress gate; one event when the limit is crossed).
        case requestFlood = "request_flood"
        /// A message that could not be parsed or broke a limit.
        case malformedMessage = "malformed_message"
        /// A failed console or API login (user and password, or second factor).
        case consoleLoginFailure = "console_login_failure"
        /// A request to the API or the event channel with a wrong key.
        case apiKeyFailure = "api_key_failure"
        /// A request for an unknown or suspicious console URL, or for a page the user's role
        /// may not see.
        case webProbe = "web_probe"
        /// The Guard locked a device's authentication from new sources after failures from
        /// many sources (distributed guessing); raised by the Guard itself.
        case deviceLocked = "device_locked"
    }

    public var kind: Kind
    public var time: Date
    public var source: SecuritySource
    /// The username the credentials named, if any.
    public var username: String?
    /// Why, in a few words ("bad credentials", "challenge not answered").
    public var reason: String?
    public var packet: PacketSummary

    public init(kind: Kind, time: Date, source: SecuritySource, username: String? = nil, reason: String? = nil, packet: PacketSummary) {
        self.kind = kind
        self.time = time
        self.source = source
        self.username = username
        self.reason = reason
        self.packet = packet
    }
}

/// Where a request came from.
public struct SecuritySource: Sendable, Hashable, CustomStringConvertible {
    /// `udp`, `tcp` or `tls`.
    public var transport: String
    /// The address text (`192.0.2.1`, `2001:db8::1`).
    public var ip: String
    public var port: Int

    public init(transport: String, ip: String, port: Int) {
        self.transport = transport
        self.ip = ip
        self.port = port
    }

    public var description: String { ip.contains(":") ? "\(transport):[\(ip)]:\(port)" : "\(transport):\(ip):\(port)" }
}

/// The parts of a request an operator needs to recognise it, as received (cut to a bounded
/// length so that a hostile packet cannot make an event large).
public struct PacketSummary: Sendable, Equatable {
    public var method: String
    public var requestURI: String
    public var from: String
    public var to: String
    public var callID: String
    public var contact: String?
    public var userAgent: String?

    /// No request: for events about a source rather than a packet (a flood, a device lock).
    public static let noRequest = PacketSummary(method: "", requestURI: "", from: "", to: "", callID: "")

    /// The longest text kept per field, in characters.
    public static let fieldLimit = 256

    public init(method: String, requestURI: String, from: String, to: String, callID: String, contact: String? = nil, userAgent: String? = nil) {
        self.method = Self.bounded(method)
        self.requestURI = Self.bounded(requestURI)
        self.from = Self.bounded(from)
        self.to = Self.bounded(to)
        self.callID = Self.bounded(callID)
        self.contact = contact.map(Self.bounded)
        self.userAgent = userAgent.map(Self.bounded)
    }

    static func bounded(_ text: String) -> String {
        // Bytes first: counting characters is a walk over the whole text.
        text.utf8.count <= fieldLimit ? text : String(text.prefix(fieldLimit)) + "…"
    }
}
