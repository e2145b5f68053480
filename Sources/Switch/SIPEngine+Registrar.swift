import Registrar
import SecurityEvents
import SIPCore
import SIPTransport

/// REGISTER (RFC 3261 §10.3): authenticate (§22, 401), authorise the address-of-record, then
/// add, refresh or remove bindings and list them in the 200. Answered statelessly: a
/// retransmission is processed again and changes nothing (same nonce-count and CSeq), so it
/// gets the same answer without a transaction held for 32 s.
extension SIPEngine {
    func handleRegister(_ message: inout SIPMessage, callers: CallerServices, peer: SIPPeer, replies: SIPReplySender) {
        let now = callers.wallClock()
        let ip = peer.remote.rawIPBytes
        let directory = callers.directory.directory
        let verdict = callers.authenticator.verify(
            &message, proxy: false, sourceIP: ip, now: now, lookup: directory.device(username:), namesServer: responder.identity.isLocal)
        let device: DeviceCredentials
        switch verdict {
        case .challenge(let failure):
            // Stale only where right credentials may be used from here: otherwise the
            // answer of a wrong password, in every field (RFC 7616 §3.3 stale=true would
            // confirm a password guessed from a refused source).
            if case .staleNonce(let username) = failure, let known = directory.device(username: username),
                let refusal = sourceRefusal(known, peer: peer, callers: callers, now: now)
            {
                emit(.sourceRefused, username: known.username, reason: refusal, request: &message, peer: peer, callers: callers, now: now)
                sendChallenge(proxy: false, failure: .wrongCredentials(username: known.username), callers: callers, to: &message, peer: peer, replies: replies, now: now)
                return
            }
            report(failure, request: &message, peer: peer, callers: callers, now: now)
            sendChallenge(proxy: false, failure: failure, callers: callers, to: &message, peer: peer, replies: replies, now: now)
            return
        case .authenticated(let authenticated):
            device = authenticated
        }
        // Allowed networks, and devices locked against distributed guessing: right
        // credentials from such a source are answered exactly like wrong ones, so that the
        // answer is no oracle for a password guessed from outside.
        if let refusal = sourceRefusal(device, peer: peer, callers: callers, now: now) {
            emit(.sourceRefused, username: device.username, reason: refusal, request: &message, peer: peer, callers: callers, now: now)
            sendChallenge(proxy: false, failure: .wrongCredentials(username: device.username), callers: callers, to: &message, peer: peer, replies: replies, now: now)
            return
        }
        emit(.authSuccess, username: device.username, reason: nil, request: &message, peer: peer, callers: callers, now: now)
        // §10.3 step 4: the authenticated device may register its own address-of-record only.
        guard let toUser = (try? message.to())?.uri.sipURI?.decodedUser, String(decoding: toUser, as: UTF8.self) == device.username else {
            sendStateless(LocalResponder.Answer(statusCode: 403, reasonPhrase: "Forbidden - To is not the authenticated user"), to: &message, peer: peer, replies: replies)
            return
        }
        let request: RegisterRequest
        do throws(SIPParseError) {
            request = try registerRequest(&message, device: device, peer: peer)
        } catch {
            sendStateless(LocalResponder.Answer(statusCode: 400, reasonPhrase: "Bad Request - \(error.reasonPhrase)"), to: &message, peer: peer, replies: replies)
            return
        }
        let answer: LocalResponder.Answer
        switch callers.registrar.register(request, now: now) {
        case .accepted(let current, _):
            // §10.3 step 8: every current binding with its expiry, and the server's Date.
            var headers = current.map { binding in
                var value = "<\(binding.contact)>;expires=\(binding.secondsLeft(at: now))"
                if let q = binding.qThousandths { value += ";q=\(Self.qText(q))" }
                return (name: "Contact", value: value)
            }
            if dateHeaderCache.second != now / 1000 {
                dateHeaderCache = (now / 1000, SIPDate.format(unixSeconds: now / 1000))
            }
            headers.append((name: "Date", value: dateHeaderCache.text))
            answer = LocalResponder.Answer(statusCode: 200, headers: headers)
        case .intervalTooBrief(let minimum):
            answer = LocalResponder.Answer(statusCode: 423, headers: [("Min-Expires", "\(minimum)")])
        case .invalidWildcard:
            answer = LocalResponder.Answer(statusCode: 400, reasonPhrase: "Bad Request - Contact * needs Expires: 0 and no other Contact")
        case .outOfOrder:
            answer = LocalResponder.Answer(statusCode: 500, reasonPhrase: "Server Internal Error - CSeq out of order for this Call-ID")
        }
        sendStateless(answer, to: &message, peer: peer, replies: replies)
    }

    private func registerRequest(_ message: inout SIPMessage, device: DeviceCredentials, peer: SIPPeer) throws(SIPParseError) -> RegisterRequest {
        let contacts: RegisterRequest.Contacts
        switch try message.contacts() {
        case .wildcard:
            contacts = .wildcard
        case .addresses(let list) where list.isEmpty:
            contacts = .none
        case .addresses(let list):
            contacts = .list(list.map { contact in
                RegisterRequest.RequestedContact(uri: contact.uri.description, expires: contact.expires, qThousandths: contact.qThousandths)
            })
        }
        // A wildcard with other Contact values is refused by the table (§10.3 step 6).
        if case .wildcard = contacts, message.headers.values(.contact).count > 1 {
            throw SIPParseError(.malformedHeader, "Contact * must be the only Contact", at: 0)
        }
        return RegisterRequest(
            deviceId: device.id, maxContacts: device.maxContacts, contacts: contacts, expires: try message.expires(),
            callID: try message.callID().description, cseq: UInt32(clamping: try message.cseq().sequence),
            source: BindingSource(transport: peer.transport.rawValue, ip: peer.remote.ipAddress ?? "", port: peer.remote.port ?? 0),
            userAgent: message.userAgent.map { String($0.description.prefix(256)) })
    }

    static func qText(_ thousandths: Int) -> String {
        if thousandths >= 1000 { return "1" }
        var digits = String(thousandths)
        while digits.count < 3 { digits = "0" + digits }
        while digits.hasSuffix("0") { digits.removeLast() }
        return digits.isEmpty ? "0" : "0.\(digits)"
    }
}
