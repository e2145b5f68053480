public import SIPCore

/// What the server answers by itself, for a request that passed `validate()`. The checks
/// follow RFC 3261's order: a request for the server itself is handled as a UAS would
/// (§8.2: method, then Require), anything else as a proxy would before routing (§16.3:
/// Max-Forwards, Proxy-Require). What passes goes on to the registrar, identification and
/// the proxy when the server has them; without them, a request for anyone else is 404.
public struct LocalResponder: Sendable {
    /// Methods the server itself implements (Allow).
    public var allowedMethods: [SIPMethod] = [.options] { didSet { rebuildCapabilityHeaders() } }
    /// Extensions it supports (Supported); Require or Proxy-Require naming any other gets 420.
    public var supportedExtensions: Set<String> = [] { didSet { rebuildCapabilityHeaders() } }
    /// Body types it accepts (Accept).
    public var acceptedContentTypes: [String] = ["application/sdp"] { didSet { rebuildCapabilityHeaders() } }
    public var identity: ServerIdentity

    /// Allow, and the three headers of the answer to OPTIONS, joined once rather than per request.
    private(set) var allowHeader: (name: String, value: String) = ("Allow", "")
    /// The answers that depend only on the settings, made once.
    private var optionsAnswer = Answer(statusCode: 200)
    private var notAllowedAnswer = Answer(statusCode: 405)
    private var notImplementedAnswer = Answer(statusCode: 501)

    public init(identity: ServerIdentity) {
        self.identity = identity
        rebuildCapabilityHeaders()
    }

    private mutating func rebuildCapabilityHeaders() {
        allowHeader = ("Allow", allowedMethods.map(\.name).joined(separator: ", "))
        optionsAnswer = Answer(statusCode: 200, headers: [
            allowHeader,
            ("Accept", acceptedContentTypes.joined(separator: ", ")),
            ("Supported", supportedExtensions.sorted().joined(separator: ", ")),
        ])
        notAllowedAnswer = Answer(statusCode: 405, headers: [allowHeader])
        notImplementedAnswer = Answer(statusCode: 501, headers: [allowHeader])
    }

    /// The answer: status, and the headers that status needs.
    public struct Answer: Sendable, Equatable {
        public var statusCode: Int
        public var reasonPhrase: String?
        public var headers: [(name: String, value: String)] { didSet { wireHeaders = Self.wire(headers) } }
        /// The headers as bytes, made once when the answer is made: the answers the responder
        /// keeps ready (200 to OPTIONS, 405, 501) cost no conversion per request.
        public private(set) var wireHeaders: [SIPOutgoingMessage.Header]

        public init(statusCode: Int, reasonPhrase: String? = nil, headers: [(name: String, value: String)] = []) {
            self.statusCode = statusCode
            self.reasonPhrase = reasonPhrase
            self.headers = headers
            self.wireHeaders = Self.wire(headers)
        }

        private static func wire(_ headers: [(name: String, value: String)]) -> [SIPOutgoingMessage.Header] {
            headers.map { SIPOutgoingMessage.Header(name: SIPString($0.name), value: SIPString($0.value)) }
        }

        public static func == (lhs: Answer, rhs: Answer) -> Bool {
            lhs.statusCode == rhs.statusCode && lhs.reasonPhrase == rhs.reasonPhrase
                && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
        }
    }

    /// What is to become of a request that passed the checks RFC 3261 requires first.
    public enum Disposition: Sendable, Equatable {
        /// Answer it with this (a refusal, or the answer to OPTIONS).
        case answer(Answer)
        /// A request for the server that a local service handles (REGISTER: the registrar).
        case local
        /// A request for someone else that passed §16.3 validation: identify the caller, then
        /// route it.
        case route
    }

    /// Decides the answer to a request other than ACK and CANCEL; a request that would be
    /// routed gets 404 (nothing can be reached from here).
    public func answer(_ request: inout SIPMessage) throws(SIPParseError) -> Answer {
        switch try disposition(&request) {
        case .answer(let answer): return answer
        case .local: return optionsAnswer
        case .route: return Answer(statusCode: 404)
        }
    }

    public func disposition(_ request: inout SIPMessage) throws(SIPParseError) -> Disposition {
        guard let method = request.method, let uri = try request.requestURI() else {
            return .answer(Answer(statusCode: 400))
        }
        // RFC 3261 §8.2.2.1: a scheme the server cannot handle is 416 (RFC 4475 §3.3.2, §3.3.3).
        let sipURI: SIPURI
        switch uri {
        case .sip(let parsed): sipURI = parsed
        case .tel: return try proxyDisposition(&request, method: method)  // routable by number
        case .other: return .answer(Answer(statusCode: 416))
        }
        let forServer = sipURI.user == nil && identity.isLocal(sipURI)
        // REGISTER names the domain, not a user (RFC 3261 §10.2): it is the registrar's.
        guard forServer || method == .register else {
            return try proxyDisposition(&request, method: method)
        }
        // §8.2.1: an unknown method is 501, a known one the server does not implement 405;
        // both carry Allow.
        if case .other = method { return .answer(notImplementedAnswer) }
        guard allowedMethods.contains(method) else { return .answer(notAllowedAnswer) }
        // §8.2.2.3: extensions the request requires but the server does not support.
        let required = try request.require()
        let unsupported = required.isEmpty ? [] : required.map(\.string).filter { !supportedExtensions.contains($0.lowercased()) }
        if !unsupported.isEmpty {
            return .answer(Answer(statusCode: 420, headers: [("Unsupported", unsupported.joined(separator: ", "))]))
        }
        // §11.2: the answer to OPTIONS lists what the server can do.
        return method == .options ? .answer(optionsAnswer) : .local
    }

    /// §16.3 request validation for a request the server would forward: Max-Forwards 0 is
    /// 483, unsupported Proxy-Require 420; past those it is to be routed. Every user gets the
    /// same answer, so nothing tells whether one exists.
    private func proxyDisposition(_ request: inout SIPMessage, method: SIPMethod) throws(SIPParseError) -> Disposition {
        if let maxForwards = try request.maxForwards(), maxForwards == 0 {
            return .answer(Answer(statusCode: 483))
        }
        let required = try request.proxyRequire()
        let unsupported = required.isEmpty ? [] : required.map(\.string).filter { !supportedExtensions.contains($0.lowercased()) }
        if !unsupported.isEmpty {
            return .answer(Answer(statusCode: 420, headers: [("Unsupported", unsupported.joined(separator: ", "))]))
        }
        return .route
    }
}
