public import SIPCore
import Synchronization

/// The server side of SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 8760): builds
/// challenges and checks credentials against the devices' stored HA1 values.
///
/// No enumeration: an unknown username is checked against a decoy HA1 derived from the
/// server secret, by the same code, and a failure of either kind gets the same fresh
/// challenge. Only the verdict given to the caller (for its security events) tells them apart.
public struct DigestAuthenticator: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var realm: String
        /// Offered in this order, one challenge header each (RFC 8760 §2.4).
        public var algorithms: [DigestAlgorithm]
        public var nonceLifetimeSeconds: Int
        public var replayTableSize: Int

        public init(realm: String = "sipwarden", algorithms: [DigestAlgorithm] = [.md5], nonceLifetimeSeconds: Int = 300, replayTableSize: Int = 100_000) {
            self.realm = realm
            self.algorithms = algorithms
            self.nonceLifetimeSeconds = nonceLifetimeSeconds
            self.replayTableSize = replayTableSize
        }
    }

    /// Why credentials did not let a request in.
    public enum Failure: Equatable, Sendable {
        /// No credentials for this realm: a first request, not yet a failure.
        case noCredentials
        /// A wrong response for a known device.
        case wrongCredentials(username: String)
        /// A username that names no device.
        case unknownUser(username: String)
        /// Right credentials on a nonce that expired or that the replay table forgot.
        case staleNonce(username: String)
        /// A nonce-count used again for a different request.
        case replay(username: String)
        /// Credentials that break the grammar of RFC 7616 §3.4 (missing parameters, a qop
        /// that was not offered, a malformed count).
        case malformed(username: String?, reason: String)
    }

    public enum Verdict: Equatable, Sendable {
        case authenticated(DeviceCredentials)
        /// Answer with a challenge (stale=true for `.staleNonce`).
        case challenge(Failure)
    }

    public let configuration: Configuration
    private let issuer: NonceIssuer
    private let counts: NonceCountStore
    private let challengeSuffixes: [String]
    private let challengePrefix: String

    public init(configuration: Configuration, secret: [UInt8]) {
        self.configuration = configuration
        self.issuer = NonceIssuer(secret: secret, lifetimeSeconds: configuration.nonceLifetimeSeconds)
        self.counts = NonceCountStore(capacity: configuration.replayTableSize)
        // The parts of each challenge after the nonce, built once.
        self.challengeSuffixes = configuration.algorithms.map { "\", algorithm=\($0.rawValue), qop=\"auth\"" }
        self.challengePrefix = "Digest realm=\"\(configuration.realm)\", nonce=\""
    }

    /// The challenge headers: WWW-Authenticate (401, REGISTER) or Proxy-Authenticate (407),
    /// one per configured algorithm, all with the same fresh nonce.
    public func challenge(proxy: Bool, stale: Bool, sourceIP: [UInt8], now: Int64) -> [(name: String, value: String)] {
        let name = proxy ? "Proxy-Authenticate" : "WWW-Authenticate"
        let nonce = issuer.make(for: sourceIP, now: now)
        return challengeSuffixes.map { suffix in
            (name, challengePrefix + nonce + suffix + (stale ? ", stale=true" : ""))
        }
    }

    /// Checks the request's Authorization (or, with `proxy`, Proxy-Authorization) credentials
    /// for this realm. `lookup` finds a device by its exact username.
    ///
    /// `namesServer` tells whether a URI names the server itself: credentials whose `uri` is
    /// the server (as SIPp and some proxies write it) are accepted for any Request-URI; they
    /// bind no destination, and the nonce-count check (which covers the Request-URI) keeps
    /// them from being used for another one.
    public func verify(
        _ request: inout SIPMessage, proxy: Bool, sourceIP: [UInt8], now: Int64,
        lookup: (String) -> DeviceCredentials?, namesServer: (SIPURI) -> Bool = { _ in false }
    ) -> Verdict {
        guard let method = request.method else { return .challenge(.noCredentials) }
        let values = (try? (proxy ? request.proxyAuthorizations() : request.authorizations())) ?? []
        var found: DigestFields?
        for value in values where value.isDigest {
            let fields = value.digestFields
            if fields.realm == configuration.realm {
                found = fields
                break
            }
        }
        guard let credentials = found else { return .challenge(.noCredentials) }
        guard let username = credentials.username, !username.isEmpty, let nonce = credentials.nonce,
            let response = credentials.response, let digestURI = credentials.uri
        else {
            return .challenge(.malformed(username: credentials.username, reason: "username, nonce, uri and response are required"))
        }
        // RFC 3261 §22.4, RFC 7616 §3.4: the credentials are for the Request-URI they name.
        // Credentials computed for one destination are refused for another before the
        // password is looked at, so the answer says nothing about it. A `uri` that names the
        // server itself binds no destination and is taken (SIPp writes sip:SERVER:PORT).
        guard let requestURI = try? request.requestURI(), let named = try? AnyURI(parsing: digestURI),
            named.isEquivalent(to: requestURI) || named.sipURI.map({ $0.user == nil && namesServer($0) }) == true
        else {
            return .challenge(.malformed(username: username, reason: "the digest uri is not the Request-URI"))
        }
        let algorithm = credentials.algorithm.map { DigestAlgorithm(token: $0) } ?? .md5
        guard let algorithm, configuration.algorithms.contains(algorithm) else {
            return .challenge(.malformed(username: username, reason: "algorithm \(credentials.algorithm ?? "") was not offered"))
        }
        var qop: DigestQOP?
        var count: UInt32?
        if let qopText = credentials.qop {
            guard qopText == "auth", let countText = credentials.nonceCount, countText.utf8.count == 8,
                let parsed = UInt32(countText, radix: 16), let cnonce = credentials.cnonce, !cnonce.isEmpty
            else {
                return .challenge(.malformed(username: username, reason: "qop=auth needs an 8-digit nc and a cnonce"))
            }
            qop = .auth
            count = parsed
        }

        // The same work for a known and an unknown username: the decoy is always computed.
        let device = lookup(username)
        let decoy = issuer.decoyHA1(username: username, hexLength: algorithm.hexLength)
        let stored = device.map { algorithm == .sha256 ? $0.ha1SHA256 : $0.ha1MD5 }
        let ha1 = stored.flatMap { $0.utf8.count == algorithm.hexLength ? $0 : nil } ?? decoy
        let ha2 = DigestCalculator.ha2(method: method.name, digestURI: digestURI, qop: qop, algorithm: algorithm)
        let expected = DigestCalculator.response(
            ha1: ha1, nonce: nonce, nonceCount: credentials.nonceCount, cnonce: credentials.cnonce, qop: qop, ha2: ha2,
            algorithm: algorithm)
        let matches = DigestCalculator.constantTimeEquals(expected, response)
        guard matches, let device, device.realm == configuration.realm else {
            return .challenge(device == nil ? .unknownUser(username: username) : .wrongCredentials(username: username))
        }

        // Right credentials: now whether the nonce is ours, current, and not replayed.
        switch issuer.check(nonce, for: sourceIP, now: now) {
        case .invalid, .expired:
            return .challenge(.staleNonce(username: username))
        case .valid(let issuedAt):
            let fingerprint = Self.fingerprint(&request)
            switch counts.use(nonce: nonce, issuedAt: issuedAt, count: count, fingerprint: fingerprint, now: now, lifetime: issuer.lifetimeMilliseconds) {
            case .fresh, .retransmission:
                return .authenticated(device)
            case .forgotten:
                return .challenge(.staleNonce(username: username))
            case .replay:
                return .challenge(.replay(username: username))
            }
        }
    }

    /// What tells one request from another on the same nonce: the method, the Request-URI,
    /// Call-ID, CSeq and the top Via's branch (a retransmission repeats them all, RFC 3261
    /// §17.2.3). The Request-URI is in it so that a request changed in flight to go
    /// elsewhere is a replay, not a retransmission, whatever its credentials' `uri` says.
    static func fingerprint(_ request: inout SIPMessage) -> Int {
        var hasher = Hasher()
        hasher.combine(request.method?.name)
        if let uri = request.requestURIText { hasher.combine(uri) }
        if let callID = try? request.callID() { hasher.combine(callID) }
        if let cseq = try? request.cseq() { hasher.combine(cseq.sequence) }
        if let branch = (try? request.topVia())?.branch { hasher.combine(branch) }
        return hasher.finalize()
    }
}

/// The nonce-count table shared by every event loop (a nonce may be used on any of them).
final class NonceCountStore: Sendable {
    private let table: Mutex<NonceCountTable>

    init(capacity: Int) {
        table = Mutex(NonceCountTable(capacity: capacity))
    }

    func use(nonce: String, issuedAt: Int64, count: UInt32?, fingerprint: Int, now: Int64, lifetime: Int64) -> NonceCountTable.Use {
        table.withLock { $0.use(nonce: nonce, issuedAt: issuedAt, count: count, fingerprint: fingerprint, now: now, lifetime: lifetime) }
    }
}
