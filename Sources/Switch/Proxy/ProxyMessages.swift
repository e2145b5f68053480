public import NIOCore
public import SIPCore

/// How the proxy rewrites what it forwards (RFC 3261 §16.6, §16.7). Every other header
/// field and the body go on exactly as received.
public enum ProxyMessages {
    /// The Max-Forwards of a request that carried none (§16.6 step 3).
    public static let defaultMaxForwards = 70

    /// A request as forwarded: the new Request-URI; the proxy's Via on top (§16.6 step 8),
    /// the previous top Via optionally rewritten (`received`/`rport` for a stateless
    /// forward, so the answer goes back where the request came from); the proxy's
    /// Record-Route values above any others (§16.6 step 4); Max-Forwards one less (step
    /// 3); the Route set replaced by `routes` (the values left after the proxy's own are
    /// removed, §16.4); and the credentials meant for the proxy removed (§22.3).
    public static func forward(
        _ request: inout SIPMessage, requestURI: String, via: String, previousTopVia: SIPString? = nil, recordRoutes: [String],
        routes: [String], maxForwards: Int, removeProxyCredentials: Bool, edits: HeaderEdits = HeaderEdits()
    ) throws(SIPSerializationError) -> ByteBuffer {
        guard let method = request.method else { throw SIPSerializationError(.invalidRequestURI, "not a request") }
        var message = try SIPOutgoingMessage(method: method, uri: requestURI)
        let vias = (try? request.via().map(\.text)) ?? []
        message.reserveHeaderCapacity(request.headers.count + recordRoutes.count + 2)
        try message.append(.via, via)
        for (index, value) in vias.enumerated() {
            try message.append(.via, index == 0 ? (previousTopVia ?? value) : value)
        }
        for value in recordRoutes { try message.append(.recordRoute, value) }
        if !routes.isEmpty { try message.append(.route, routes.joined(separator: ", ")) }
        try message.append(.maxForwards, String(maxForwards))
        for header in request.headers {
            switch header.name {
            case .via, .route, .maxForwards, .contentLength: continue
            case .proxyAuthorization where removeProxyCredentials: continue
            case .from where edits.from != nil: try message.append(.from, edits.from!)
            case .to where edits.to != nil: try message.append(.to, edits.to!)
            default:
                guard !edits.removes(header) else { continue }
                try message.append(header.rawName, header.unfoldedValue)
            }
        }
        for (name, value) in edits.added { try message.append(name, value) }
        message.setBody(request.body)
        return message.serialized
    }

    /// A response as forwarded upstream: the proxy's own (top) Via removed (§16.7 step 3);
    /// the status changed when the proxy must not pass it on as it is (a 503 becomes 500,
    /// §16.7 step 6).
    /// `from`, when given, replaces the From value: the caller gets back the From it sent
    /// when the switch presented it otherwise (`HeaderEdits.from`).
    public static func forwardResponse(_ response: inout SIPMessage, statusCode: Int? = nil, from: String? = nil) throws(SIPSerializationError) -> ByteBuffer {
        let received = response.statusCode ?? 500
        let code = statusCode ?? received
        var message = code == received
            ? try SIPOutgoingMessage(statusCode: code, reasonPhrase: response.reasonPhrase?.string)
            : try SIPOutgoingMessage(statusCode: code)
        let vias = (try? response.via().map(\.text)) ?? []
        message.reserveHeaderCapacity(response.headers.count)
        for value in vias.dropFirst() { try message.append(.via, value) }
        for header in response.headers {
            switch header.name {
            case .via, .contentLength: continue
            case .from where from != nil: try message.append(.from, from!)
            default: try message.append(header.rawName, header.unfoldedValue)
            }
        }
        message.setBody(response.body)
        return message.serialized
    }

    /// The CANCEL of a forwarded INVITE (§9.1): the same Request-URI, top Via, Call-ID,
    /// From, To and CSeq number, and the same Route set.
    public static func cancel(
        requestURI: String, via: String, from: String, to: String, callID: String, cseq: UInt32, routes: [String]
    ) throws(SIPSerializationError) -> ByteBuffer {
        var message = try SIPOutgoingMessage(method: .cancel, uri: requestURI)
        try message.append(.via, via)
        try message.append(.maxForwards, String(defaultMaxForwards))
        if !routes.isEmpty { try message.append(.route, routes.joined(separator: ", ")) }
        try message.append(.from, from)
        try message.append(.to, to)
        try message.append(.callID, callID)
        try message.append(.cseq, "\(cseq) CANCEL")
        return message.serialized
    }

    /// A BYE the switch sends to end a dialog on one party's behalf (§15.1.1): From is that
    /// party's (with its tag), To the other's, the CSeq one past the highest it used.
    public static func bye(
        requestURI: String, via: String, from: String, to: String, callID: String, cseq: UInt32, reason: String
    ) throws(SIPSerializationError) -> ByteBuffer {
        var message = try SIPOutgoingMessage(method: .bye, uri: requestURI)
        try message.append(.via, via)
        try message.append(.maxForwards, String(defaultMaxForwards))
        try message.append(.from, from)
        try message.append(.to, to)
        try message.append(.callID, callID)
        try message.append(.cseq, "\(cseq) BYE")
        // RFC 3326: why the call ended, for the phones' own logs.
        try message.append(.reason, "SIP;cause=200;text=\"\(reason)\"")
        return message.serialized
    }
}

/// What the switch changes in a request it forwards besides the routing headers: header
/// fields it takes out (identity headers from untrusted parties, a Refer-To it replaces),
/// new From and To values (the same tags, another identity), and fields it adds.
public struct HeaderEdits: Sendable {
    /// Known header fields taken out.
    public var removed: Set<SIPHeaderName> = []
    /// The identity claims a party cannot vouch for taken out (RFC 3325): P-Asserted-Identity,
    /// P-Preferred-Identity, Remote-Party-ID, Diversion, History-Info.
    public var removesIdentity = false
    /// The From and To values sent instead of the received ones (the same tags).
    public var from: String?
    public var to: String?
    public var added: [(name: SIPHeaderName, value: String)] = []

    public init() {}

    /// The extension headers that carry identity claims.
    static let identityExtensions = ["remote-party-id", "diversion", "history-info"]

    func removes(_ header: SIPHeader) -> Bool {
        switch header.name {
        case .pAssertedIdentity where removesIdentity, .pPreferredIdentity where removesIdentity:
            return true
        case .extensionHeader:
            return removesIdentity && Self.identityExtensions.contains { header.rawName.equalsIgnoringCase($0) }
        default:
            return !removed.isEmpty && removed.contains(header.name)
        }
    }
}
