/// The header fields SIPWarden knows by name (RFC 3261 §20 and the common extensions).
/// Every other header is `.extensionHeader` and is kept byte-for-byte.
///
/// Names compare case-insensitively and compact forms map to their full name
/// (RFC 3261 §7.3.1, §7.3.3; IANA "Header Fields" registry for the compact letters).
public enum SIPHeaderName: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case accept, acceptContact, acceptEncoding, acceptLanguage, alertInfo, allow, allowEvents
    case authenticationInfo, authorization, callID, callInfo, contact, contentDisposition
    case contentEncoding, contentLanguage, contentLength, contentType, cseq, date, errorInfo
    case event, expires, from, identity, inReplyTo, maxForwards, mimeVersion, minExpires, minSE
    case organization, pAssertedIdentity, pPreferredIdentity, path, priority, privacy
    case proxyAuthenticate, proxyAuthorization, proxyRequire, rack, reason, recordRoute, referTo
    case referredBy, rejectContact, replyTo, requestDisposition, require, retryAfter, route, rseq
    case server, serviceRoute, sessionExpires, subject, supported, timestamp, to, unsupported
    case userAgent, via, warning, wwwAuthenticate
    /// Any header not listed above.
    case extensionHeader

    /// The canonical spelling (RFC 3261 §20 capitalisation).
    public var canonicalName: String {
        switch self {
        case .accept: return "Accept"
        case .acceptContact: return "Accept-Contact"
        case .acceptEncoding: return "Accept-Encoding"
        case .acceptLanguage: return "Accept-Language"
        case .alertInfo: return "Alert-Info"
        case .allow: return "Allow"
        case .allowEvents: return "Allow-Events"
        case .authenticationInfo: return "Authentication-Info"
        case .authorization: return "Authorization"
        case .callID: return "Call-ID"
        case .callInfo: return "Call-Info"
        case .contact: return "Contact"
        case .contentDisposition: return "Content-Disposition"
        case .contentEncoding: return "Content-Encoding"
        case .contentLanguage: return "Content-Language"
        case .contentLength: return "Content-Length"
        case .contentType: return "Content-Type"
        case .cseq: return "CSeq"
        case .date: return "Date"
        case .errorInfo: return "Error-Info"
        case .event: return "Event"
        case .expires: return "Expires"
        case .from: return "From"
        case .identity: return "Identity"
        case .inReplyTo: return "In-Reply-To"
        case .maxForwards: return "Max-Forwards"
        case .mimeVersion: return "MIME-Version"
        case .minExpires: return "Min-Expires"
        case .minSE: return "Min-SE"
        case .organization: return "Organization"
        case .pAssertedIdentity: return "P-Asserted-Identity"
        case .pPreferredIdentity: return "P-Preferred-Identity"
        case .path: return "Path"
        case .priority: return "Priority"
        case .privacy: return "Privacy"
        case .proxyAuthenticate: return "Proxy-Authenticate"
        case .proxyAuthorization: return "Proxy-Authorization"
        case .proxyRequire: return "Proxy-Require"
        case .rack: return "RAck"
        case .reason: return "Reason"
        case .recordRoute: return "Record-Route"
        case .referTo: return "Refer-To"
        case .referredBy: return "Referred-By"
        case .rejectContact: return "Reject-Contact"
        case .replyTo: return "Reply-To"
        case .requestDisposition: return "Request-Disposition"
        case .require: return "Require"
        case .retryAfter: return "Retry-After"
        case .route: return "Route"
        case .rseq: return "RSeq"
        case .server: return "Server"
        case .serviceRoute: return "Service-Route"
        case .sessionExpires: return "Session-Expires"
        case .subject: return "Subject"
        case .supported: return "Supported"
        case .timestamp: return "Timestamp"
        case .to: return "To"
        case .unsupported: return "Unsupported"
        case .userAgent: return "User-Agent"
        case .via: return "Via"
        case .warning: return "Warning"
        case .wwwAuthenticate: return "WWW-Authenticate"
        case .extensionHeader: return "(extension header)"
        }
    }

    /// The compact form (RFC 3261 §7.3.3 and later RFCs), if the header has one.
    public var compactForm: Character? {
        switch self {
        case .acceptContact: return "a"
        case .referredBy: return "b"
        case .contentType: return "c"
        case .requestDisposition: return "d"
        case .contentEncoding: return "e"
        case .from: return "f"
        case .callID: return "i"
        case .rejectContact: return "j"
        case .supported: return "k"
        case .contentLength: return "l"
        case .contact: return "m"
        case .event: return "o"
        case .referTo: return "r"
        case .subject: return "s"
        case .to: return "t"
        case .allowEvents: return "u"
        case .via: return "v"
        case .sessionExpires: return "x"
        case .identity: return "y"
        default: return nil
        }
    }

    public var description: String { canonicalName }

    /// Looks a header name up (case-insensitive, compact forms included).
    public init(_ name: String) {
        var name = name
        self = name.withUTF8 { Self.classify(UnsafeRawBufferPointer($0), 0..<$0.count) }
    }

    /// Classifies the name in `bytes[range]`, which holds token characters only: a switch on
    /// the length and first letter leaves one or two case-insensitive comparisons (generated
    /// from `canonicalName`; `HeaderNameTableTests` checks every name and compact form).
    static func classify(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> SIPHeaderName {
        guard let firstIndex = range.first else { return .extensionHeader }
        let first = bytes[firstIndex].asciiLowercased
        @inline(__always) func matches(_ lowercased: StaticString) -> Bool {
            HeaderGrammar.nameEquals(bytes, range, lowercased)
        }
        switch (range.count, first) {
        case (1, UInt8(ascii: "a")): return .acceptContact
        case (1, UInt8(ascii: "b")): return .referredBy
        case (1, UInt8(ascii: "c")): return .contentType
        case (1, UInt8(ascii: "d")): return .requestDisposition
        case (1, UInt8(ascii: "e")): return .contentEncoding
        case (1, UInt8(ascii: "f")): return .from
        case (1, UInt8(ascii: "i")): return .callID
        case (1, UInt8(ascii: "j")): return .rejectContact
        case (1, UInt8(ascii: "k")): return .supported
        case (1, UInt8(ascii: "l")): return .contentLength
        case (1, UInt8(ascii: "m")): return .contact
        case (1, UInt8(ascii: "o")): return .event
        case (1, UInt8(ascii: "r")): return .referTo
        case (1, UInt8(ascii: "s")): return .subject
        case (1, UInt8(ascii: "t")): return .to
        case (1, UInt8(ascii: "u")): return .allowEvents
        case (1, UInt8(ascii: "v")): return .via
        case (1, UInt8(ascii: "x")): return .sessionExpires
        case (1, UInt8(ascii: "y")): return .identity
        case (2, UInt8(ascii: "t")): if matches("to") { return .to }
        case (3, UInt8(ascii: "v")): if matches("via") { return .via }
        case (4, UInt8(ascii: "c")): if matches("cseq") { return .cseq }
        case (4, UInt8(ascii: "d")): if matches("date") { return .date }
        case (4, UInt8(ascii: "f")): if matches("from") { return .from }
        case (4, UInt8(ascii: "p")): if matches("path") { return .path }
        case (4, UInt8(ascii: "r")):
            if matches("rack") { return .rack }
            if matches("rseq") { return .rseq }
        case (5, UInt8(ascii: "a")): if matches("allow") { return .allow }
        case (5, UInt8(ascii: "e")): if matches("event") { return .event }
        case (5, UInt8(ascii: "r")): if matches("route") { return .route }
        case (6, UInt8(ascii: "a")): if matches("accept") { return .accept }
        case (6, UInt8(ascii: "m")): if matches("min-se") { return .minSE }
        case (6, UInt8(ascii: "r")): if matches("reason") { return .reason }
        case (6, UInt8(ascii: "s")): if matches("server") { return .server }
        case (7, UInt8(ascii: "c")):
            if matches("call-id") { return .callID }
            if matches("contact") { return .contact }
        case (7, UInt8(ascii: "e")): if matches("expires") { return .expires }
        case (7, UInt8(ascii: "p")): if matches("privacy") { return .privacy }
        case (7, UInt8(ascii: "r")): if matches("require") { return .require }
        case (7, UInt8(ascii: "s")): if matches("subject") { return .subject }
        case (7, UInt8(ascii: "w")): if matches("warning") { return .warning }
        case (8, UInt8(ascii: "i")): if matches("identity") { return .identity }
        case (8, UInt8(ascii: "p")): if matches("priority") { return .priority }
        case (8, UInt8(ascii: "r")):
            if matches("refer-to") { return .referTo }
            if matches("reply-to") { return .replyTo }
        case (9, UInt8(ascii: "c")): if matches("call-info") { return .callInfo }
        case (9, UInt8(ascii: "s")): if matches("supported") { return .supported }
        case (9, UInt8(ascii: "t")): if matches("timestamp") { return .timestamp }
        case (10, UInt8(ascii: "a")): if matches("alert-info") { return .alertInfo }
        case (10, UInt8(ascii: "e")): if matches("error-info") { return .errorInfo }
        case (10, UInt8(ascii: "u")): if matches("user-agent") { return .userAgent }
        case (11, UInt8(ascii: "i")): if matches("in-reply-to") { return .inReplyTo }
        case (11, UInt8(ascii: "m")): if matches("min-expires") { return .minExpires }
        case (11, UInt8(ascii: "r")):
            if matches("referred-by") { return .referredBy }
            if matches("retry-after") { return .retryAfter }
        case (11, UInt8(ascii: "u")): if matches("unsupported") { return .unsupported }
        case (12, UInt8(ascii: "a")): if matches("allow-events") { return .allowEvents }
        case (12, UInt8(ascii: "c")): if matches("content-type") { return .contentType }
        case (12, UInt8(ascii: "m")):
            if matches("max-forwards") { return .maxForwards }
            if matches("mime-version") { return .mimeVersion }
        case (12, UInt8(ascii: "o")): if matches("organization") { return .organization }
        case (12, UInt8(ascii: "r")): if matches("record-route") { return .recordRoute }
        case (13, UInt8(ascii: "a")): if matches("authorization") { return .authorization }
        case (13, UInt8(ascii: "p")): if matches("proxy-require") { return .proxyRequire }
        case (13, UInt8(ascii: "s")): if matches("service-route") { return .serviceRoute }
        case (14, UInt8(ascii: "a")): if matches("accept-contact") { return .acceptContact }
        case (14, UInt8(ascii: "c")): if matches("content-length") { return .contentLength }
        case (14, UInt8(ascii: "r")): if matches("reject-contact") { return .rejectContact }
        case (15, UInt8(ascii: "a")):
            if matches("accept-encoding") { return .acceptEncoding }
            if matches("accept-language") { return .acceptLanguage }
        case (15, UInt8(ascii: "s")): if matches("session-expires") { return .sessionExpires }
        case (16, UInt8(ascii: "c")):
            if matches("content-encoding") { return .contentEncoding }
            if matches("content-language") { return .contentLanguage }
        case (16, UInt8(ascii: "w")): if matches("www-authenticate") { return .wwwAuthenticate }
        case (18, UInt8(ascii: "p")): if matches("proxy-authenticate") { return .proxyAuthenticate }
        case (19, UInt8(ascii: "a")): if matches("authentication-info") { return .authenticationInfo }
        case (19, UInt8(ascii: "c")): if matches("content-disposition") { return .contentDisposition }
        case (19, UInt8(ascii: "p")):
            if matches("p-asserted-identity") { return .pAssertedIdentity }
            if matches("proxy-authorization") { return .proxyAuthorization }
        case (19, UInt8(ascii: "r")): if matches("request-disposition") { return .requestDisposition }
        case (20, UInt8(ascii: "p")): if matches("p-preferred-identity") { return .pPreferredIdentity }
        default: break
        }
        return .extensionHeader
    }
}

extension SIPHeaderName {
    /// The canonical spelling as bytes, built once per name: a serialised header shares them.
    public var canonicalSIPString: SIPString { Self.canonicalSIPStrings[Int(rawValue)] }

    private static let canonicalSIPStrings: [SIPString] = allCases.map { SIPString($0.canonicalName) }
}
