import NIOCore

/// Checks one header field against its grammar (RFC 3261 §20 and §25.1, and the RFCs that
/// define the extension headers SIPWarden knows). Extension headers must be free text.
enum HeaderValidator {
    static func validate(_ field: SIPHeaderField, in message: SIPMessage) throws(SIPParseError) {
        let limits = message.limits
        try message.parseValue(of: field) { cursor, base throws(SIPParseError) in
            switch field.name {
            case .via:
                try HeaderGrammar.forEachListElement(&cursor, what: "Via value") { cursor throws(SIPParseError) in
                    _ = try ViaGrammar.parse(&cursor, base: base)
                }
            case .from, .to:
                _ = try NameAddressGrammar.parseFromTo(&cursor, base: base, limits: limits)
            case .callID:
                try ScalarGrammar.checkCallID(&cursor)
            case .cseq:
                _ = try ScalarGrammar.parseCSeq(&cursor, base: base)
            case .maxForwards:
                _ = try ScalarGrammar.parseMaxForwards(&cursor)
            case .contact:
                if !HeaderGrammar.isWildcard(cursor) {
                    try HeaderGrammar.forEachListElement(&cursor, what: "Contact value") { cursor throws(SIPParseError) in
                        _ = try ContactGrammar.parseContact(&cursor, base: base, limits: limits)
                    }
                }
            case .route, .recordRoute, .path, .serviceRoute, .alertInfo, .callInfo, .errorInfo:
                try addressList(&cursor, base: base, limits: limits, requireBrackets: true, what: field.name)
            case .pAssertedIdentity, .pPreferredIdentity:
                try addressList(&cursor, base: base, limits: limits, requireBrackets: false, what: field.name)
            case .replyTo, .referTo, .referredBy:
                _ = try NameAddressGrammar.parseElement(&cursor, base: base, limits: limits, requireBrackets: false)
                try HeaderGrammar.expectEnd(&cursor, after: "address")
            case .contentLength:
                break  // read and checked while framing the message
            case .contentType:
                _ = try MediaTypeGrammar.parse(&cursor, base: base)
                try HeaderGrammar.expectEnd(&cursor, after: "media type")
            case .accept:
                try optionalList(&cursor, what: "media range") { cursor throws(SIPParseError) in
                    _ = try MediaTypeGrammar.parse(&cursor, base: base, allowWildcards: true)
                }
            case .acceptEncoding, .acceptLanguage:
                try optionalList(&cursor, what: field.name.canonicalName) { cursor throws(SIPParseError) in
                    try tokenWithParameters(&cursor, what: field.name.canonicalName)
                }
            case .allow, .supported:
                try TokenListGrammar.forEach(&cursor, allowEmpty: true, what: field.name.canonicalName)
            case .require, .proxyRequire, .unsupported, .allowEvents, .contentEncoding, .contentLanguage,
                .requestDisposition:
                try TokenListGrammar.forEach(&cursor, allowEmpty: false, what: field.name.canonicalName)
            case .contentDisposition, .event, .priority:
                try tokenWithParameters(&cursor, what: field.name.canonicalName)
                try HeaderGrammar.expectEnd(&cursor, after: field.name.canonicalName)
            case .expires, .minExpires, .rseq:
                _ = try ScalarGrammar.parseDeltaSeconds(&cursor, what: field.name.canonicalName)
            case .minSE, .sessionExpires:
                cursor.skipLinearWhitespace()
                _ = try HeaderGrammar.scanDeltaSeconds(&cursor, what: field.name.canonicalName)
                try HeaderGrammar.parseParameters(&cursor) { _, _ throws(SIPParseError) in }
                try HeaderGrammar.expectEnd(&cursor, after: field.name.canonicalName)
            case .retryAfter:
                try ExtraHeaderGrammar.checkRetryAfter(&cursor)
            case .authorization, .proxyAuthorization, .wwwAuthenticate, .proxyAuthenticate:
                _ = try AuthGrammar.parse(&cursor, base: base)
                try HeaderGrammar.expectEnd(&cursor, after: "authentication parameters")
            case .authenticationInfo:
                try ExtraHeaderGrammar.checkAuthenticationInfo(&cursor)
            case .date:
                try ExtraHeaderGrammar.checkDate(&cursor)
            case .mimeVersion:
                try ExtraHeaderGrammar.checkMIMEVersion(&cursor)
            case .timestamp:
                try ExtraHeaderGrammar.checkTimestamp(&cursor)
            case .rack:
                try ExtraHeaderGrammar.checkRAck(&cursor)
            case .warning:
                try HeaderGrammar.forEachListElement(&cursor, what: "warning value") { cursor throws(SIPParseError) in
                    try ExtraHeaderGrammar.checkWarningValue(&cursor)
                }
            case .userAgent, .server:
                try ExtraHeaderGrammar.checkServerValues(&cursor)
            case .inReplyTo:
                try HeaderGrammar.forEachListElement(&cursor, what: "Call-ID") { cursor throws(SIPParseError) in
                    let start = cursor.index
                    cursor.index = cursor.scan { $0 == ASCII.comma || $0.isSIPLinearWhitespace }.upperBound
                    var callID = ByteCursor(cursor.bytes, start..<cursor.index)
                    try ScalarGrammar.checkCallID(&callID)
                }
            case .privacy:
                try ExtraHeaderGrammar.checkPrivacy(&cursor)
            case .reason:
                try HeaderGrammar.forEachListElement(&cursor, what: "reason value") { cursor throws(SIPParseError) in
                    try tokenWithParameters(&cursor, what: "Reason")
                }
            case .acceptContact, .rejectContact:
                try HeaderGrammar.forEachListElement(&cursor, what: "contact predicate") { cursor throws(SIPParseError) in
                    guard cursor.consume(ASCII.star) else {
                        throw SIPParseError(.malformedHeader, "expected '*' and feature parameters", at: cursor.index)
                    }
                    try HeaderGrammar.parseParameters(&cursor) { _, _ throws(SIPParseError) in }
                }
            case .subject, .organization, .identity, .extensionHeader:
                if let bad = TextGrammar.firstInvalidTextByte(cursor.bytes, cursor.remaining) {
                    throw SIPParseError(.malformedHeader, "\(HostGrammar.describe(cursor.bytes[bad])) not allowed in a header value", at: bad)
                }
            }
        }
    }

    private static func addressList(
        _ cursor: inout ByteCursor, base: ByteBuffer, limits: ParserLimits, requireBrackets: Bool, what: SIPHeaderName
    ) throws(SIPParseError) {
        try HeaderGrammar.forEachListElement(&cursor, what: "\(what.canonicalName) value") { cursor throws(SIPParseError) in
            _ = try NameAddressGrammar.parseElement(&cursor, base: base, limits: limits, requireBrackets: requireBrackets)
        }
    }

    /// `[ element *(COMMA element) ]`: an empty value is allowed.
    private static func optionalList(
        _ cursor: inout ByteCursor, what: String, _ element: (inout ByteCursor) throws(SIPParseError) -> Void
    ) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        guard !cursor.isAtEnd else { return }
        try HeaderGrammar.forEachListElement(&cursor, what: what, element)
    }

    /// token *( SEMI generic-param )
    private static func tokenWithParameters(_ cursor: inout ByteCursor, what: String) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        guard cursor.scanToken() != nil else {
            let found = cursor.current.map { HostGrammar.describe($0) } ?? "nothing"
            throw SIPParseError(.malformedHeader, "expected a token in \(what), found \(found)", at: cursor.index)
        }
        try HeaderGrammar.parseParameters(&cursor) { _, _ throws(SIPParseError) in }
    }
}
