import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// Where one leg of a forwarded INVITE goes.
struct LegTarget: Sendable {
    var endpoint: CallEndpoint
    var requestURI: String
    /// For an outbound call: the provider and the number it receives.
    var provider: (id: Int64, name: String, number: String)?
    /// The provider is in the RFC 3325 trust domain.
    var providerTrusted = false
}

/// One forwarded copy of an INVITE (a fork, or one provider attempt; RFC 3261 §16.6).
struct ProxyLeg: Sendable {
    var clientID: TransactionID
    var target: LegTarget
    /// What a CANCEL of this leg repeats (§9.1): its Via and the From it was sent with.
    var via: String
    var from: String
    var started: SIPInstant
    var heardFrom = false
    var finalStatus: Int?
    var finalResponse: SIPMessage?
    var cancelSent = false
}

/// An INVITE the engine is forwarding: its server transaction, its legs, the providers
/// still to try, and how it stands (§16.7's response context).
struct ProxyForwarding: Sendable {
    var serverID: TransactionID
    var callID: String
    var request: SIPMessage
    var peer: SIPPeer
    var from: String
    var to: String
    var cseq: UInt32
    var maxForwards: Int
    /// Who the caller is presented as (RFC 3325).
    var identity = CallerIdentity(asserted: nil, trustedAssertion: nil, privacy: false)
    var removeProxyCredentials: Bool
    var legs: [ProxyLeg] = []
    /// Providers not yet tried, in order.
    var pending: [LegTarget] = []
    var answered = false
    var cancelled = false
    var ringTimedOut = false
    /// The switch ended the call itself (a fraud block): the caller's final answer.
    var stoppedBySwitch: (status: Int, reason: String, cause: HangupCause)?
    var ringing = false
    var finalSent = false
    var ringDeadline: SIPInstant

    var allLegsFinal: Bool { legs.allSatisfy { $0.finalStatus != nil } }
}

/// The proxy's loop-confined state in one engine.
struct ProxyState: Sendable {
    var forwardings: [TransactionID: ProxyForwarding] = [:]
    /// Client transaction → the server transaction it forwards.
    var legOwners: [TransactionID: TransactionID] = [:]
    /// Answered calls' deadlines (max duration, or when the money runs out), by Call-ID.
    var hangups = DeadlineSchedule<String>()
    /// Forwardings' ring timeouts, by server transaction.
    var ringTimeouts = DeadlineSchedule<TransactionID>()
    /// When a provider leg that has said nothing is given up, by client transaction.
    var providerSilences = DeadlineSchedule<TransactionID>()
    /// Forwarded BYEs still unanswered: when their calls end anyway (Timer F), by Call-ID.
    var byeTimeouts = DeadlineSchedule<String>()
}
