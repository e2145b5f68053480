import UnixTime
import Foundation
import Guard
import NIOCore
import SecurityEvents
import SIPCore
public import SIPTransport

/// The Guard's checks in the request path: scanner fingerprints, the events of malformed
/// messages, and the 403 for banned sources when the operator wants them told.
extension SIPEngine {
    /// Whether the request fingerprints as an attack tool and is to be dropped. Trusted
    /// sources are not screened; known ones (registered, providers, recently authenticated)
    /// only by the tool fingerprints, not the contextual rules.
    func screen(_ message: inout SIPMessage, scanners: ScannerFingerprints, defense: SourceDefense, peer: SIPPeer) -> Bool {
        guard let address = peer.remote.addressKey else { return false }
        let standing = defense.standing(of: address)
        if standing.trusted { return false }
        // The directory is read only if a contextual rule asks (a request without
        // credentials from an unknown source).
        let callers = self.callers
        let context = ScannerContext(isKnownSource: standing.known) { user in
            guard let directory = callers?.directory.directory else { return false }
            return directory.device(username: user) != nil || directory.dids[user] != nil
        }
        guard let match = scanners.match(&message, context: context) else { return false }
        statistics.scannersSeen += 1
        defense.events.emit(SecurityEvent(
            kind: .scannerDetected, time: eventTime(), source: Self.source(peer), reason: "\(match.rule): \(match.detail)",
            packet: Self.summary(&message)))
        guard defense.dropScanners else { return false }
        statistics.scannersDropped += 1
        return true
    }

    /// A malformed message is an event for the sip-malformed jail.
    func reportMalformed(_ message: SIPMessage?, error: SIPParseError, peer: SIPPeer) {
        guard let defense else { return }
        var summary = PacketSummary.noRequest
        if var message { summary = Self.summary(&message) }
        defense.events.emit(SecurityEvent(
            kind: .malformedMessage, time: eventTime(), source: Self.source(peer), reason: error.description, packet: summary))
    }

    /// Wall-clock time for an event (the callers' clock when there is one, so tests can fix it).
    func eventTime() -> Date {
        guard let callers else { return Date() }
        return UnixTime.date(callers.wallClock())
    }

    /// Answers a banned source's request 403 (the ingress gate allows one a second) and
    /// does nothing else: no transaction, no event, no identification.
    public func refuse(_ inbound: SIPInbound, from peer: SIPPeer, replies: SIPReplySender) {
        var message: SIPMessage
        switch inbound {
        case .datagram(let bytes):
            guard let parsed = try? SIPMessage(parsing: bytes, framing: .datagram, limits: configuration.limits) else { return }
            message = parsed
        case .message(let parsed):
            message = parsed
        case .framingError:
            return
        }
        guard let method = message.method, method != .ack, (try? message.validate()) != nil else { return }
        statistics.refusedBanned += 1
        sendStateless(LocalResponder.Answer(statusCode: 403, reasonPhrase: "Forbidden"), to: &message, peer: peer, replies: replies)
    }
}
