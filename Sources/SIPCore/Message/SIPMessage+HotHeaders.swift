import NIOCore

/// Typed access to the headers every SIP element reads. Errors carry the header name and
/// the location of the bad byte; missing or repeated single-value headers are errors too
/// (RFC 3261 §7.3.1, §8.1.1), so a caller never acts on the wrong one of two From fields.
extension SIPMessage {
    /// Every Via value, top first, across all Via fields (cached).
    public mutating func via() throws(SIPParseError) -> [SIPVia] {
        if let cached = cached?.via { return cached }
        var values: [SIPVia] = []
        values.reserveCapacity(4)
        let limit = limits.maxViaCount
        for field in fields where field.name == .via {
            try parseValue(of: field) { cursor, base throws(SIPParseError) in
                try HeaderGrammar.forEachListElement(&cursor, what: "Via value") { cursor throws(SIPParseError) in
                    guard values.count < limit else {
                        throw SIPParseError(.tooManyVias, "more than \(limit) Via values", at: cursor.index)
                    }
                    values.append(try ViaGrammar.parse(&cursor, base: base))
                }
            }
        }
        writableCache().via = values
        return values
    }

    /// The top Via: the one a response is sent back by and a transaction is matched on
    /// (RFC 3261 §17.2.3, §18.2.2).
    public mutating func topVia() throws(SIPParseError) -> SIPVia {
        guard let top = try via().first else { throw missing(.via) }
        return top
    }

    /// The From header (required, single; cached).
    public mutating func from() throws(SIPParseError) -> SIPNameAddress {
        if let cached = cached?.from { return cached }
        let limits = self.limits
        let value = try parseValue(of: try requiredField(.from)) { cursor, base throws(SIPParseError) in
            try NameAddressGrammar.parseFromTo(&cursor, base: base, limits: limits)
        }
        writableCache().from = value
        return value
    }

    /// The To header (required, single; cached).
    public mutating func to() throws(SIPParseError) -> SIPNameAddress {
        if let cached = cached?.to { return cached }
        let limits = self.limits
        let value = try parseValue(of: try requiredField(.to)) { cursor, base throws(SIPParseError) in
            try NameAddressGrammar.parseFromTo(&cursor, base: base, limits: limits)
        }
        writableCache().to = value
        return value
    }

    /// The Call-ID (required, single), checked against `callid = word ["@" word]`.
    public func callID() throws(SIPParseError) -> SIPString {
        let field = try requiredField(.callID)
        try parseValue(of: field) { cursor, _ throws(SIPParseError) in try ScalarGrammar.checkCallID(&cursor) }
        return bytes.sipString(field.valueRange)
    }

    /// The CSeq (required, single; cached).
    public mutating func cseq() throws(SIPParseError) -> SIPCSeq {
        if let cached = cached?.cseq { return cached }
        let value = try parseValue(of: try requiredField(.cseq)) { cursor, base throws(SIPParseError) in
            try ScalarGrammar.parseCSeq(&cursor, base: base)
        }
        writableCache().cseq = value
        return value
    }

    /// Max-Forwards (0-255), nil when absent (RFC 2543 requests have none).
    public func maxForwards() throws(SIPParseError) -> Int? {
        guard let field = try optionalField(.maxForwards) else { return nil }
        return try parseValue(of: field) { cursor, _ throws(SIPParseError) in try ScalarGrammar.parseMaxForwards(&cursor) }
    }

    /// Every Contact value across all Contact fields, or the wildcard (cached).
    public mutating func contacts() throws(SIPParseError) -> SIPContactList {
        if let cached = cached?.contacts { return cached }
        var contacts: [SIPContact] = []
        var wildcard = false
        let limits = self.limits
        let contactFieldCount = fields.reduce(0) { $0 + ($1.name == .contact ? 1 : 0) }
        for field in fields where field.name == .contact {
            try parseValue(of: field) { cursor, base throws(SIPParseError) in
                if HeaderGrammar.isWildcard(cursor) {
                    // RFC 3261 §10.3 step 6: '*' must be the only Contact value.
                    guard contactFieldCount == 1 else {
                        throw SIPParseError(.malformedHeader, "'*' must be the only Contact value", at: cursor.index)
                    }
                    cursor.index = cursor.end
                    wildcard = true
                    return
                }
                try HeaderGrammar.forEachListElement(&cursor, what: "Contact value") { cursor throws(SIPParseError) in
                    contacts.append(try ContactGrammar.parseContact(&cursor, base: base, limits: limits))
                }
            }
        }
        let value: SIPContactList = wildcard ? .wildcard : .addresses(contacts)
        writableCache().contacts = value
        return value
    }

    /// The Route set, top first (cached). Every value must be `<URI>` (RFC 3261 §20.34).
    public mutating func routes() throws(SIPParseError) -> [SIPNameAddress] {
        if let cached = cached?.routes { return cached }
        let value = try nameAddressList(.route, requireBrackets: true)
        writableCache().routes = value
        return value
    }

    /// The Record-Route values, top first (cached).
    public mutating func recordRoutes() throws(SIPParseError) -> [SIPNameAddress] {
        if let cached = cached?.recordRoutes { return cached }
        let value = try nameAddressList(.recordRoute, requireBrackets: true)
        writableCache().recordRoutes = value
        return value
    }

    /// The name-addr values of another header that holds them (Refer-To, Referred-By,
    /// P-Asserted-Identity, P-Preferred-Identity...), top first; not cached.
    public func nameAddresses(_ name: SIPHeaderName) throws(SIPParseError) -> [SIPNameAddress] {
        try nameAddressList(name, requireBrackets: false)
    }

    /// The Request-URI, parsed (cached); nil for a response. A Request-URI may not carry
    /// `?headers` (RFC 3261 §19.1.1).
    public mutating func requestURI() throws(SIPParseError) -> AnyURI? {
        if let cached = cached?.requestURI { return cached }
        guard case .request(_, let range) = startLineRanges else { return nil }
        let limits = self.limits
        let value = try bytes.withUnsafeReadableBytes { raw throws(SIPParseError) in
            do throws(SIPParseError) {
                return try URIParser.parse(raw, range, base: bytes, context: .requestLine, limits: limits)
            } catch {
                var located = error
                located.detail = "Request-URI: \(error.detail)"
                located.locate(in: raw)
                throw located
            }
        }
        writableCache().requestURI = value
        return value
    }

    /// Content-Type, nil when absent.
    public func contentType() throws(SIPParseError) -> SIPMediaType? {
        guard let field = try optionalField(.contentType) else { return nil }
        return try parseValue(of: field) { cursor, base throws(SIPParseError) in
            let value = try MediaTypeGrammar.parse(&cursor, base: base)
            try HeaderGrammar.expectEnd(&cursor, after: "media type")
            return value
        }
    }

    /// Expires in seconds (at most 2^32-1), nil when absent.
    public func expires() throws(SIPParseError) -> UInt32? {
        guard let field = try optionalField(.expires) else { return nil }
        return try parseValue(of: field) { cursor, _ throws(SIPParseError) in
            try ScalarGrammar.parseDeltaSeconds(&cursor, what: "Expires")
        }
    }

    /// Authorization values (one per realm).
    public func authorizations() throws(SIPParseError) -> [SIPAuthValue] { try authValues(.authorization) }
    public func proxyAuthorizations() throws(SIPParseError) -> [SIPAuthValue] { try authValues(.proxyAuthorization) }
    public func wwwAuthenticates() throws(SIPParseError) -> [SIPAuthValue] { try authValues(.wwwAuthenticate) }
    public func proxyAuthenticates() throws(SIPParseError) -> [SIPAuthValue] { try authValues(.proxyAuthenticate) }

    /// User-Agent as written (the first one). Attacker-controlled: escape it wherever shown.
    public var userAgent: SIPString? { firstValue(.userAgent) }
    /// Server as written (the first one).
    public var server: SIPString? { firstValue(.server) }

    public func allow() throws(SIPParseError) -> [SIPString] { try tokens(.allow, allowEmpty: true) }
    public func supported() throws(SIPParseError) -> [SIPString] { try tokens(.supported, allowEmpty: true) }
    public func require() throws(SIPParseError) -> [SIPString] { try tokens(.require, allowEmpty: false) }
    public func proxyRequire() throws(SIPParseError) -> [SIPString] { try tokens(.proxyRequire, allowEmpty: false) }
    public func unsupported() throws(SIPParseError) -> [SIPString] { try tokens(.unsupported, allowEmpty: false) }
}

// MARK: - Plumbing

extension SIPMessage {
    /// Runs `parse` over a field's value; errors get the header's name and a location.
    func parseValue<T>(
        of field: SIPHeaderField, _ parse: (inout ByteCursor, ByteBuffer) throws(SIPParseError) -> T
    ) throws(SIPParseError) -> T {
        let base = bytes
        return try base.withUnsafeReadableBytes { raw throws(SIPParseError) in
            var cursor = ByteCursor(raw, field.valueRange)
            do throws(SIPParseError) {
                return try parse(&cursor, base)
            } catch {
                var located = error
                located.detail = "\(label(of: field)): \(error.detail)"
                located.locate(in: raw)
                throw located
            }
        }
    }

    /// The header's canonical name, or the name as written for an extension header.
    func label(of field: SIPHeaderField) -> String {
        field.name == .extensionHeader ? bytes.sipString(field.nameRange).string : field.name.canonicalName
    }

    func missing(_ name: SIPHeaderName) -> SIPParseError {
        var error = SIPParseError(.missingHeader, "\(name.canonicalName) header is missing", at: bodyStart)
        bytes.withUnsafeReadableBytes { error.locate(in: $0) }
        return error
    }

    /// The only field called `name`, nil when absent; an error when repeated.
    func optionalField(_ name: SIPHeaderName) throws(SIPParseError) -> SIPHeaderField? {
        var found: SIPHeaderField?
        for field in fields where field.name == name {
            guard found == nil else {
                var error = SIPParseError(.duplicateHeader, "\(name.canonicalName) appears more than once", at: Int(field.nameStart))
                bytes.withUnsafeReadableBytes { error.locate(in: $0) }
                throw error
            }
            found = field
        }
        return found
    }

    func requiredField(_ name: SIPHeaderName) throws(SIPParseError) -> SIPHeaderField {
        guard let field = try optionalField(name) else { throw missing(name) }
        return field
    }

    func firstValue(_ name: SIPHeaderName) -> SIPString? {
        fields.first { $0.name == name }.map { bytes.sipString($0.valueRange) }
    }

    func nameAddressList(_ name: SIPHeaderName, requireBrackets: Bool) throws(SIPParseError) -> [SIPNameAddress] {
        var values: [SIPNameAddress] = []
        let limits = self.limits
        for field in fields where field.name == name {
            try parseValue(of: field) { cursor, base throws(SIPParseError) in
                try HeaderGrammar.forEachListElement(&cursor, what: "\(name.canonicalName) value") { cursor throws(SIPParseError) in
                    values.append(try NameAddressGrammar.parseElement(&cursor, base: base, limits: limits, requireBrackets: requireBrackets))
                }
            }
        }
        return values
    }

    func authValues(_ name: SIPHeaderName) throws(SIPParseError) -> [SIPAuthValue] {
        var values: [SIPAuthValue] = []
        for field in fields where field.name == name {
            values.append(try parseValue(of: field) { cursor, base throws(SIPParseError) in
                let value = try AuthGrammar.parse(&cursor, base: base)
                try HeaderGrammar.expectEnd(&cursor, after: "authentication parameters")
                return value
            })
        }
        return values
    }

    func tokens(_ name: SIPHeaderName, allowEmpty: Bool) throws(SIPParseError) -> [SIPString] {
        var values: [SIPString] = []
        for field in fields where field.name == name {
            values += try parseValue(of: field) { cursor, base throws(SIPParseError) in
                try TokenListGrammar.parse(&cursor, base: base, allowEmpty: allowEmpty, what: name.canonicalName)
            }
        }
        return values
    }
}
