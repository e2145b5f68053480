public import SIPCore

/// What identifies a server transaction: which transaction a received request belongs to
/// (RFC 3261 §17.2.3).
///
/// With the RFC 3261 magic cookie (`z9hG4bK`) in the top Via branch, the branch, the
/// sent-by host and port, and the method identify the transaction, an ACK counting as the
/// INVITE it acknowledges and a CANCEL as a transaction of its own. Without the cookie
/// (RFC 2543 peers) the Request-URI, To tag, From tag, Call-ID, CSeq number, method and top
/// Via do; an ACK then carries the To tag of the response it acknowledges, which
/// `TransactionTable` learns when that response is sent.
///
/// Comparison follows RFC 3261 §7.3.1: hosts, branch and tag values ignore ASCII case;
/// methods are case-sensitive (§7.1) and Call-IDs are compared byte by byte (§20.8).
public struct ServerTransactionKey: Sendable, Hashable, CustomStringConvertible {
    enum Identity: Sendable, Hashable {
        /// §17.2.3: branch with the magic cookie, plus sent-by.
        case branch(CaseInsensitiveBytes, host: CaseInsensitiveBytes, port: Int?)
        /// §17.2.3, the RFC 2543 fallback.
        case legacy(LegacyIdentity)
    }

    /// The RFC 2543 matching fields. The Request-URI is compared as written and the top Via
    /// as written but for case: stricter than the full §19.1.4 and §20.42 equivalence, and
    /// enough for retransmissions, which repeat the bytes they were first sent with.
    struct LegacyIdentity: Sendable, Hashable {
        let requestURI: SIPString
        var toTag: CaseInsensitiveBytes?
        let fromTag: CaseInsensitiveBytes?
        let callID: SIPString
        let sequence: UInt32
        let topVia: CaseInsensitiveBytes
    }

    let identity: Identity
    /// The method of the transaction: the request's, except INVITE for an ACK (§17.2.3).
    public let method: SIPMethod

    /// The key a received request matches.
    ///
    /// - Throws: when the request lacks a parsable top Via or, without the magic cookie, one
    ///   of the headers the RFC 2543 fallback compares (the request cannot be matched; answer
    ///   400).
    public init(request: SIPMessage) throws(SIPParseError) {
        var request = request
        try self.init(parsing: &request)
    }

    /// As `init(request:)`, keeping the parsed headers in the caller's message.
    init(parsing request: inout SIPMessage) throws(SIPParseError) {
        guard let requestMethod = request.method, let requestURI = request.requestURIText else {
            throw SIPParseError(.malformedStartLine, "a response does not start a server transaction", at: 0)
        }
        method = requestMethod == .ack ? .invite : requestMethod
        let top = try request.topVia()
        if top.hasMagicCookie, let branch = top.branch {
            identity = .branch(CaseInsensitiveBytes(branch), host: CaseInsensitiveBytes(top.host), port: top.port)
        } else {
            identity = .legacy(
                LegacyIdentity(
                    requestURI: requestURI,
                    toTag: try request.to().tag.map(CaseInsensitiveBytes.init),
                    fromTag: try request.from().tag.map(CaseInsensitiveBytes.init),
                    callID: try request.callID(),
                    sequence: try request.cseq().sequence,
                    topVia: CaseInsensitiveBytes(top.text)))
        }
    }

    private init(identity: Identity, method: SIPMethod) {
        self.identity = identity
        self.method = method
    }

    /// Whether the key is the RFC 3261 one (branch with the magic cookie).
    public var usesMagicCookie: Bool {
        if case .branch = identity { return true }
        return false
    }

    /// The branch of an RFC 3261 key; nil for the RFC 2543 fallback.
    public var branch: SIPString? {
        if case .branch(let branch, _, _) = identity { return branch.value }
        return nil
    }

    /// The same key for another method: a CANCEL's key with INVITE is the key of the INVITE
    /// it cancels (§9.2).
    public func replacingMethod(_ method: SIPMethod) -> ServerTransactionKey {
        ServerTransactionKey(identity: identity, method: method)
    }

    /// The key an RFC 2543 ACK for a response with To tag `tag` carries; nil for RFC 3261
    /// keys, which do not depend on tags.
    func legacyACKKey(toTag tag: SIPString?) -> ServerTransactionKey? {
        guard case .legacy(var legacy) = identity else { return nil }
        legacy.toTag = tag.map(CaseInsensitiveBytes.init)
        return ServerTransactionKey(identity: .legacy(legacy), method: method)
    }

    public var description: String {
        switch identity {
        case .branch(let branch, let host, let port):
            return "\(method) \(branch)@\(host)\(port.map { ":\($0)" } ?? "")"
        case .legacy(let legacy):
            return "\(method) \(legacy.sequence) \(legacy.callID) (RFC 2543)"
        }
    }
}
