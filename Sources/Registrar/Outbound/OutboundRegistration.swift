import SIPCore

/// SIPWarden registering to a provider as a UAC (RFC 3261 §10.2), with digest authentication
/// (§22.2, RFC 7616) and the UDP retransmissions of a non-INVITE client transaction
/// (§17.1.2.2). A value: events come in with the time (Unix milliseconds), actions come out;
/// it reads no clock and does no I/O, so its owner decides when `tick` runs and what
/// "sending" means.
///
/// A cycle is one registration or refresh: a REGISTER without credentials, the answer to
/// the provider's challenge if there is one, and the final response. Success schedules the
/// refresh; failure schedules a retry with backoff. `stop` removes the binding (Expires: 0).
public struct OutboundRegistration: Sendable {
    public enum Action: Sendable {
        case send(OutgoingRegister)
        case statusChanged(Status)
    }

    public let configuration: Configuration
    public private(set) var status = Status(state: .idle)
    /// The Call-ID of the current cycle.
    public private(set) var callID: String

    private var random: any RandomNumberGenerator & Sendable
    /// The From tag, for the registration's life (§8.1.1.3: a UA keeps its tag across
    /// requests of one registration).
    private let fromTag: String
    /// The CSeq of the last request of this Call-ID.
    private var cseq: UInt32 = 0
    /// What the next REGISTER asks for: the configured expiry, raised by a 423.
    private var askedExpires: Int
    private var phase: Phase = .idle
    private var unregistering = false
    private var cycle = CycleState()
    private var consecutiveFailures = 0
    private var nonceUse: NonceUse?
    private var cyclesStarted = 0

    private enum Phase: Sendable {
        case idle
        /// A request is out: retransmitted until a final response or Timer F.
        case awaiting(PendingRequest)
        /// The next cycle (refresh or retry) starts at `until`.
        case waiting(until: Int64)
        case stopped
    }

    private struct PendingRequest: Sendable {
        var request: OutgoingRegister
        let firstSentAt: Int64
        let timeoutAt: Int64
        var retransmission: RetransmissionSchedule
    }

    /// What one cycle has already done, so that it cannot loop.
    private struct CycleState: Sendable {
        var answeredChallenge = false
        var staleRetried = false
        var intervalRetries = 0
    }

    private struct NonceUse: Sendable {
        var nonce: String
        var count: UInt32
    }

    /// A 423 is followed at most this many times in one cycle: each must raise the expiry,
    /// but a registrar raising it by one second each time would otherwise keep us busy.
    static let maxIntervalRetries = 3

    public init(configuration: Configuration, random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        var generator: any RandomNumberGenerator & Sendable = random
        self.configuration = configuration
        self.fromTag = Self.token(&generator, words: 1)
        self.callID = Self.token(&generator, words: 2)
        self.random = generator
        self.askedExpires = configuration.expires
    }

    /// When `tick` next has something to do; nil when nothing is scheduled.
    public var nextDeadline: Int64? {
        switch phase {
        case .awaiting(let pending): return min(pending.retransmission.nextAt, pending.timeoutAt)
        case .waiting(let until): return until
        case .idle, .stopped: return nil
        }
    }

    /// Stopped for good: the removal was answered or given up, or there was nothing to remove.
    public var isStopped: Bool {
        if case .stopped = phase { return true }
        return false
    }

    /// Whether a response with this Call-ID is ours (the owner's cheap filter before reading
    /// the rest of the response).
    public func owns(callID: String) -> Bool {
        if case .awaiting(let pending) = phase, pending.request.callID == callID { return true }
        return callID == self.callID
    }

    // MARK: - Events

    /// Sends the first REGISTER.
    public mutating func start(now: Int64) -> [Action] {
        guard case .idle = phase else { return [] }
        return beginCycle(now: now)
    }

    /// A response to one of our requests. Only the one matching the request in flight counts
    /// (§17.1.3: branch and CSeq; and our Call-ID); anything else, including a late copy of
    /// an earlier final response, is ignored.
    public mutating func receive(_ response: ResponseSummary, now: Int64) -> [Action] {
        guard case .awaiting(var pending) = phase, response.callID == pending.request.callID,
            response.cseq == pending.request.cseq, response.branch == pending.request.branch
        else { return [] }
        switch response.statusCode {
        case 100...199:
            pending.retransmission.provisionalReceived()
            phase = .awaiting(pending)
            return []
        case 200...299:
            return unregistering ? finishStopping(code: response.statusCode, error: nil) : registered(response, pending, now: now)
        case 401, 407:
            return answerChallenge(response, pending, now: now)
        case 423 where !unregistering:
            return retryWithMinExpires(response, pending, now: now)
        default:
            return fail(now: now, code: response.statusCode, reason: "provider answered \(Self.statusText(response))")
        }
    }

    /// Fires what is due at `now`: a retransmission, Timer F, a refresh or a retry.
    public mutating func tick(now: Int64) -> [Action] {
        switch phase {
        case .awaiting(var pending):
            if now >= pending.timeoutAt {
                // §17.1.2.2 Timer F; §8.1.3.1 treats the timeout as a 408.
                return fail(now: now, code: 408, reason: "no answer from the provider within \(configuration.timers.timeout / 1000) s")
            }
            guard pending.retransmission.fire(now: now) else { return [] }
            phase = .awaiting(pending)
            return [.send(pending.request.retransmission())]
        case .waiting(let until) where until <= now:
            return beginCycle(now: now)
        default:
            return []
        }
    }

    /// Removes our binding (§10.2.2: Expires 0) when one may exist: registered, or a REGISTER
    /// in flight that the provider may already have accepted. Otherwise stops at once.
    public mutating func stop(now: Int64) -> [Action] {
        guard !unregistering else { return [] }
        switch phase {
        case .awaiting:
            break
        case .waiting:
            guard let until = status.registeredUntil, until > now else { return finishStopping(code: status.lastStatusCode, error: status.lastError) }
        case .idle, .stopped:
            return finishStopping(code: status.lastStatusCode, error: status.lastError)
        }
        unregistering = true
        return beginCycle(now: now)
    }

    // MARK: - Cycles

    /// A new registration, refresh, retry or removal.
    private mutating func beginCycle(now: Int64) -> [Action] {
        cyclesStarted += 1
        // The provider quirk: a fresh Call-ID, and so CSeq from 1, for each cycle. §10.2.4
        // otherwise: the same Call-ID, CSeq one higher.
        if configuration.callIDPolicy == .new && cyclesStarted > 1 {
            callID = Self.token(&random, words: 2)
            cseq = 0
        }
        cycle = CycleState()
        var actions = send(now: now, expires: unregistering ? 0 : askedExpires, authorization: nil)
        if !unregistering, status.state != .registered, case .awaiting = phase {
            actions += setStatus(Status(
                state: .registering, lastStatusCode: status.lastStatusCode, lastError: status.lastError,
                registeredUntil: status.registeredUntil.flatMap { $0 > now ? $0 : nil }, callID: callID))
        }
        return actions
    }

    /// A new request of the current cycle: same Call-ID, next CSeq, new branch.
    private mutating func send(now: Int64, expires: Int, authorization: (header: SIPHeaderName, value: String)?) -> [Action] {
        cseq &+= 1
        let branch = "z9hG4bK-" + Self.token(&random, words: 1)
        let request: OutgoingRegister
        do {
            request = try configuration.register(
                callID: callID, cseq: cseq, branch: branch, fromTag: fromTag, expires: expires, authorization: authorization)
        } catch {
            return fail(now: now, code: nil, reason: "cannot build the REGISTER: \(error)")
        }
        let timers = configuration.timers
        phase = .awaiting(PendingRequest(
            request: request, firstSentAt: now, timeoutAt: now + timers.timeout,
            retransmission: RetransmissionSchedule(sentAt: now, t1: timers.t1, t2: timers.t2)))
        return [.send(request)]
    }

    private mutating func registered(_ response: ResponseSummary, _ pending: PendingRequest, now: Int64) -> [Action] {
        let granted = Int64(grantedExpires(response, asked: pending.request.expires))
        guard granted > 0 else {
            return fail(now: now, code: response.statusCode, reason: "provider answered \(Self.statusText(response)) but kept no binding for our Contact")
        }
        consecutiveFailures = 0
        // Counted from when the request left, not when the answer came: the registrar
        // started the clock somewhere in between, and refreshing early is harmless.
        let grantedMilliseconds = granted * 1000
        let until = pending.firstSentAt + grantedMilliseconds
        let margin = min(max(grantedMilliseconds / 5, configuration.timers.minimumRefreshMargin), grantedMilliseconds / 2)
        let refreshAt = max(until - margin, now)
        phase = .waiting(until: refreshAt)
        return setStatus(Status(
            state: .registered, lastStatusCode: response.statusCode, registeredUntil: until, nextAttemptAt: refreshAt, callID: callID))
    }

    /// §10.2.4: the expires parameter of our Contact in the 2xx, else its Expires header,
    /// else what we asked for. A registrar that rewrote our Contact (to the address it saw)
    /// and lists only that one binding is taken to mean ours.
    private func grantedExpires(_ response: ResponseSummary, asked: Int) -> Int {
        let ours = response.contacts.first { Self.sameContact($0.uri, configuration.contactURI) }
            ?? (response.contacts.count == 1 ? response.contacts.first : nil)
        if let expires = ours?.expires { return Int(expires) }
        if let expires = response.expires { return Int(expires) }
        return asked
    }

    /// Answers a 401 (Authorization) or 407 (Proxy-Authorization), §22.2-§22.3.
    private mutating func answerChallenge(_ response: ResponseSummary, _ pending: PendingRequest, now: Int64) -> [Action] {
        let code = response.statusCode
        let values = code == 401 ? response.wwwAuthenticate : response.proxyAuthenticate
        let challenges = values.compactMap(DigestChallenge.init(parsing:))
        let usable = challenges.filter { challenge in challenge.algorithm.flatMap(configuration.ha1(for:)) != nil }
        guard let first = usable.first else {
            let offered = challenges.map { SafeText.escape($0.algorithmToken ?? "MD5") }
            let detail = offered.isEmpty ? "no digest challenge" : "only \(offered.joined(separator: ", "))"
            return fail(now: now, code: code, reason: "provider challenged with \(detail); credentials exist for MD5 and SHA-256")
        }
        // The stored HA1 is H(username:realm:password) for one realm (RFC 7616 §3.4.2): any
        // other realm cannot be answered, and saying so is the useful diagnosis.
        guard let challenge = usable.first(where: { $0.realm == configuration.realm }) else {
            return fail(now: now, code: code, reason: "provider challenged with realm \(SafeText.escape(first.realm)), credentials were made for \(configuration.realm)")
        }
        if cycle.answeredChallenge {
            // A challenge to our credentials means they were refused, unless it says
            // stale=true: the nonce was too old, the password right (§25.1, RFC 7616 §3.3).
            guard challenge.stale, !cycle.staleRetried else {
                return fail(now: now, code: code, reason: "credentials rejected (\(Self.statusText(response)))")
            }
            cycle.staleRetried = true
        }
        cycle.answeredChallenge = true
        guard let algorithm = challenge.algorithm, let ha1 = configuration.ha1(for: algorithm) else { return [] }
        let answer = DigestAnswer(
            username: configuration.username, realm: challenge.realm, nonce: challenge.nonce, digestURI: configuration.requestURI,
            algorithm: algorithm, algorithmWasNamed: challenge.algorithmToken != nil, qop: challenge.chosenQOP,
            cnonce: Self.token(&random, words: 1), nonceCount: nextNonceCount(challenge.nonce), opaque: challenge.opaque)
        let header: SIPHeaderName = code == 401 ? .authorization : .proxyAuthorization
        // §22.2: the answer is a new request of the same cycle: same Call-ID, CSeq + 1.
        return send(now: now, expires: pending.request.expires, authorization: (header, answer.credentials(ha1: ha1, method: "REGISTER")))
    }

    /// §10.2.8: 423 Interval Too Brief; ask again at once for the registrar's Min-Expires.
    private mutating func retryWithMinExpires(_ response: ResponseSummary, _ pending: PendingRequest, now: Int64) -> [Action] {
        guard let minimum = response.minExpires, Int(minimum) > pending.request.expires,
            cycle.intervalRetries < Self.maxIntervalRetries
        else {
            return fail(now: now, code: response.statusCode, reason: "provider answered \(Self.statusText(response)) without a usable Min-Expires")
        }
        askedExpires = Int(minimum)
        // The new request starts without credentials; its challenge is answered afresh.
        cycle = CycleState(intervalRetries: cycle.intervalRetries + 1)
        return send(now: now, expires: askedExpires, authorization: nil)
    }

    /// The attempt failed: retry after 30 s, 60 s, 120 s... at most 10 minutes; a removal
    /// that fails is not retried.
    private mutating func fail(now: Int64, code: Int?, reason: String) -> [Action] {
        if unregistering { return finishStopping(code: code, error: reason) }
        consecutiveFailures += 1
        let timers = configuration.timers
        let delay = min(timers.firstRetryDelay << Int64(min(consecutiveFailures - 1, 20)), timers.maxRetryDelay)
        let retryAt = now + delay
        phase = .waiting(until: retryAt)
        return setStatus(Status(
            state: .failed, lastStatusCode: code, lastError: reason,
            registeredUntil: status.registeredUntil.flatMap { $0 > now ? $0 : nil }, nextAttemptAt: retryAt, callID: callID))
    }

    private mutating func finishStopping(code: Int?, error: String?) -> [Action] {
        phase = .stopped
        return setStatus(Status(state: .unregistered, lastStatusCode: code, lastError: error, callID: callID))
    }

    private mutating func setStatus(_ new: Status) -> [Action] {
        guard new != status else { return [] }
        status = new
        return [.statusChanged(new)]
    }

    // MARK: - Helpers

    /// nc counts the requests made with one nonce (RFC 7616 §3.4): 1 for a new nonce.
    private mutating func nextNonceCount(_ nonce: String) -> String {
        if var use = nonceUse, use.nonce == nonce {
            use.count &+= 1
            nonceUse = use
        } else {
            nonceUse = NonceUse(nonce: nonce, count: 1)
        }
        let hex = String(nonceUse!.count, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// `404 Not Found`, escaped: the reason phrase is the provider's text.
    static func statusText(_ response: ResponseSummary) -> String {
        let reason = SafeText.escape(String(response.reasonPhrase.prefix(100)))
        return reason.isEmpty ? "\(response.statusCode)" : "\(response.statusCode) \(reason)"
    }

    /// Contact URIs compared as RFC 3261 §19.1.4 would for our purpose: user exactly, host
    /// ignoring case, port with 5060 for none.
    static func sameContact(_ listed: String, _ ours: String) -> Bool {
        guard let a = try? SIPURI(parsing: listed), let b = try? SIPURI(parsing: ours) else {
            return listed.lowercased() == ours.lowercased()
        }
        return a.user?.string == b.user?.string && a.host.equalsIgnoringCase(b.host) && (a.port ?? 5060) == (b.port ?? 5060)
    }

    /// `words` × 64 random bits as lower-case hex: tags, Call-IDs, branches and cnonces
    /// must not be guessable (§19.3, RFC 7616 §3.4).
    static func token(_ random: inout any RandomNumberGenerator & Sendable, words: Int) -> String {
        var text = ""
        for _ in 0..<words {
            let hex = String(random.next(), radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }
}
