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

    /// Names are bucketed by their first lower-cased letter so that classifying a name costs a
    /// table load and one or two short comparisons, not a hash.
    private static let buckets: [[(name: [UInt8], header: SIPHeaderName)]] = {
        var buckets = [[(name: [UInt8], header: SIPHeaderName)]](repeating: [], count: 26)
        for header in SIPHeaderName.allCases where header != .extensionHeader {
            let lowered = Array(header.canonicalName.lowercased().utf8)
            buckets[Int(lowered[0] - UInt8(ascii: "a"))].append((lowered, header))
        }
        return buckets
    }()

    private static let compactForms: [SIPHeaderName] = {
        var table = [SIPHeaderName](repeating: .extensionHeader, count: 26)
        for header in SIPHeaderName.allCases {
            if let letter = header.compactForm?.asciiValue {
                table[Int(letter - UInt8(ascii: "a"))] = header
            }
        }
        return table
    }()

    /// Classifies the name in `bytes[range]`, which holds token characters only.
    static func classify(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> SIPHeaderName {
        guard let first = range.first.map({ bytes[$0].asciiLowercased }),
            first &- UInt8(ascii: "a") < 26
        else { return .extensionHeader }
        let letter = Int(first &- UInt8(ascii: "a"))
        if range.count == 1 { return compactForms[letter] }
        for candidate in buckets[letter] where candidate.name.count == range.count {
            var matches = true
            var position = range.lowerBound
            for expected in candidate.name {
                if bytes[position].asciiLowercased != expected {
                    matches = false
                    break
                }
                position += 1
            }
            if matches { return candidate.header }
        }
        return .extensionHeader
    }
}
