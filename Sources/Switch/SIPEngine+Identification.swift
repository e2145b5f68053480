import UnixTime
import Foundation
import SecurityEvents
import SIPCore
import SIPTransport

/// Who is calling (every request for someone else than the server): a provider, matched by
/// source address, port and transport; else a device, by digest credentials (407, RFC 3261
/// §22.3); else a guest, when allowed and the request is for a local DID; else nobody, and
/// the request is challenged and goes nowhere.
public enum Caller: Sendable, Equatable {
    case provider(ProviderEndpoint)
    case device(DeviceCredentials)
    /// Unauthenticated, for a local DID (`auth.allow_guest`).
    case guest
    /// The other party of a call placing the call a device transferred it to (REFER): it
    /// presents the switch's grant, and the call is the transferring device's.
    case transferee(TransferGrant)
}

extension SIPEngine {
    /// Identifies the caller of a request to be routed. Returns nil after answering it (a
    /// challenge, or a refusal); the caller, when one was found, for the request to go on.
    func identifyCaller(
        _ message: inout SIPMessage, callers: CallerServices, peer: SIPPeer, answer: (LocalResponder.Answer, inout SIPMessage) -> Void
    ) -> Caller? {
        let ip = peer.remote.rawIPBytes
        let directory = callers.directory.directory
        let now = callers.wallClock()
        if let grant = transferGrant(&message, peer: peer, now: now) {
            return .transferee(grant)
        }
        if let provider = directory.provider(ip: ip, port: peer.remote.port ?? 0, transport: peer.transport) {
            return .provider(provider)
        }
        let callID = (try? message.callID().description) ?? ""
        let verdict = callers.authenticator.verify(
            &message, proxy: true, sourceIP: ip, now: now, lookup: directory.device(username:), namesServer: responder.identity.isLocal)
        switch verdict {
        case .authenticated(let device):
            if let refusal = sourceRefusal(device, peer: peer, callers: callers, now: now) {
                refuseAsWrongPassword(device, reason: refusal, request: &message, peer: peer, callers: callers, now: now, answer: answer)
                return nil
            }
            callers.identified(callID: callID)
            emit(.authSuccess, username: device.username, reason: nil, request: &message, peer: peer, callers: callers, now: now)
            return .device(device)
        case .challenge(let failure):
            if case .noCredentials = failure, callers.configuration.allowGuest, isForLocalDID(&message, directory: directory) {
                return .guest
            }
            // A stale nonce is answered stale=true only when the password was right; where
            // right credentials must look wrong, so must this answer (RFC 7616 §3.3 would
            // otherwise confirm a password guessed from a refused source).
            if case .staleNonce(let username) = failure, let device = directory.device(username: username),
                let refusal = sourceRefusal(device, peer: peer, callers: callers, now: now)
            {
                refuseAsWrongPassword(device, reason: refusal, request: &message, peer: peer, callers: callers, now: now, answer: answer)
                return nil
            }
            report(failure, request: &message, peer: peer, callers: callers, now: now)
            switch failure {
            case .noCredentials, .staleNonce:
                // Not yet a failure: a phone's first INVITE is always challenged.
                callers.challenged(callID: callID, attempt: attempt(&message, reason: "challenge not answered", username: nil, peer: peer, now: now), now: now)
            case .wrongCredentials(let username), .unknownUser(let username), .replay(let username):
                callers.failed(callID: callID, attempt: attempt(&message, reason: "bad credentials", username: username, peer: peer, now: now), now: now)
            case .malformed(let username, _):
                callers.failed(callID: callID, attempt: attempt(&message, reason: "bad credentials", username: username, peer: peer, now: now), now: now)
            }
            answer(challengeAnswer(proxy: true, stale: failure.isStale, callers: callers, peer: peer, now: now), &message)
            return nil
        }
    }

    /// Why right credentials of `device` must be refused from this source as if they were
    /// wrong: outside its allowed networks, or a new source while the Guard has it locked
    /// against distributed guessing. nil: they may be used.
    func sourceRefusal(_ device: DeviceCredentials, peer: SIPPeer, callers: CallerServices, now: Int64) -> String? {
        if !device.admits(peer.remote.rawIPBytes) { return "source outside the device's allowed networks" }
        if callers.deviceLocks.refuses(username: device.username, address: peer.remote.addressKey, now: now) { return Self.lockedReason }
        return nil
    }

    /// Right credentials refused: the security event says why, the caller gets exactly the
    /// answer of a wrong password (a fresh challenge, never stale=true), and for a call the
    /// attempt is recorded as unidentified.
    private func refuseAsWrongPassword(
        _ device: DeviceCredentials, reason: String, request: inout SIPMessage, peer: SIPPeer, callers: CallerServices, now: Int64,
        answer: (LocalResponder.Answer, inout SIPMessage) -> Void
    ) {
        emit(.sourceRefused, username: device.username, reason: reason, request: &request, peer: peer, callers: callers, now: now)
        let callID = (try? request.callID().description) ?? ""
        callers.failed(callID: callID, attempt: attempt(&request, reason: reason, username: device.username, peer: peer, now: now), now: now)
        answer(challengeAnswer(proxy: true, stale: false, callers: callers, peer: peer, now: now), &request)
    }

    private func isForLocalDID(_ message: inout SIPMessage, directory: CallerDirectory) -> Bool {
        guard let uri = try? message.requestURI() else { return false }
        switch uri {
        case .sip(let sip):
            guard let user = sip.decodedUser else { return false }
            return directory.dids[String(decoding: user, as: UTF8.self)] != nil
        case .tel(let tel):
            return directory.dids[tel.number.description] != nil
        case .other:
            return false
        }
    }

    // MARK: - Challenges and events

    static let lockedReason = "device locked against new sources (distributed guessing)"

    func challengeAnswer(proxy: Bool, stale: Bool, callers: CallerServices, peer: SIPPeer, now: Int64) -> LocalResponder.Answer {
        let headers = callers.authenticator.challenge(proxy: proxy, stale: stale, sourceIP: peer.remote.rawIPBytes, now: now)
        return LocalResponder.Answer(statusCode: proxy ? 407 : 401, headers: headers)
    }

    func sendChallenge(
        proxy: Bool, failure: DigestAuthenticator.Failure, callers: CallerServices, to message: inout SIPMessage, peer: SIPPeer,
        replies: SIPReplySender, now: Int64
    ) {
        sendStateless(challengeAnswer(proxy: proxy, stale: failure.isStale, callers: callers, peer: peer, now: now), to: &message, peer: peer, replies: replies)
    }

    /// The security event of a failed authentication, if it is one (a first request without
    /// credentials, or a stale nonce, is not).
    func report(_ failure: DigestAuthenticator.Failure, request: inout SIPMessage, peer: SIPPeer, callers: CallerServices, now: Int64) {
        switch failure {
        case .noCredentials:
            return
        case .staleNonce(let username):
            emit(.staleNonce, username: username, reason: "right credentials on an expired or forgotten nonce", request: &request, peer: peer, callers: callers, now: now)
        case .wrongCredentials(let username):
            emit(.authFailure, username: username, reason: "wrong credentials", request: &request, peer: peer, callers: callers, now: now)
        case .unknownUser(let username):
            emit(.unknownUser, username: username, reason: "no such user", request: &request, peer: peer, callers: callers, now: now)
        case .replay(let username):
            emit(.nonceReplay, username: username, reason: "nonce-count used again", request: &request, peer: peer, callers: callers, now: now)
        case .malformed(let username, let reason):
            emit(.authFailure, username: username, reason: reason, request: &request, peer: peer, callers: callers, now: now)
        }
    }

    func emit(
        _ kind: SecurityEvent.Kind, username: String?, reason: String?, request: inout SIPMessage, peer: SIPPeer, callers: CallerServices,
        now: Int64
    ) {
        callers.events.emit(SecurityEvent(
            kind: kind, time: UnixTime.date(now), source: Self.source(peer), username: username,
            reason: reason, packet: Self.summary(&request)))
    }

    func attempt(_ request: inout SIPMessage, reason: String, username: String?, peer: SIPPeer, now: Int64) -> SecurityEvent {
        SecurityEvent(
            kind: .unidentifiedCallAttempt, time: UnixTime.date(now), source: Self.source(peer),
            username: username, reason: reason, packet: Self.summary(&request))
    }

    static func source(_ peer: SIPPeer) -> SecuritySource {
        SecuritySource(transport: peer.transport.rawValue, ip: peer.remote.ipAddress ?? "", port: peer.remote.port ?? 0)
    }

    /// The request as an operator recognises it; every field as received (escaped where shown).
    static func summary(_ request: inout SIPMessage) -> PacketSummary {
        PacketSummary(
            method: request.method?.name ?? "",
            requestURI: request.requestURIText?.description ?? "",
            from: request.headers.values(.from).first?.description ?? "",
            to: request.headers.values(.to).first?.description ?? "",
            callID: (try? request.callID().description) ?? "",
            contact: request.headers.values(.contact).first?.description,
            userAgent: request.userAgent?.description)
    }
}

extension DigestAuthenticator.Failure {
    var isStale: Bool {
        if case .staleNonce = self { return true }
        return false
    }
}
