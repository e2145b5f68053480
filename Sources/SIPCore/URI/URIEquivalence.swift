extension SIPURI {
    /// RFC 3261 §19.1.4: whether two SIP or SIPS URIs name the same resource. The user part
    /// and password compare byte for byte after unescaping; the host ignoring case; a port,
    /// a `user`, `ttl`, `method`, `maddr` or `transport` parameter present in one must be in
    /// the other with the same value; any other parameter present in both must agree; URI
    /// headers must be the same set.
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard isSecure == other.isSecure, decodedUser == other.decodedUser,
            password.map({ Array($0.buffer.readableBytesView) }) == other.password.map({ Array($0.buffer.readableBytesView) }),
            hostAddress.string.lowercased() == other.hostAddress.string.lowercased(), port == other.port
        else { return false }
        for name in Self.parametersThatMustMatch {
            let mine = parameters[name], theirs = other.parameters[name]
            guard (mine == nil) == (theirs == nil) else { return false }
            if let mine, let theirs, !Self.sameValue(mine, theirs) { return false }
        }
        for parameter in parameters {
            guard let theirs = other.parameters[parameter.name.string] else { continue }
            if !Self.sameValue(parameter, theirs) { return false }
        }
        return Self.headerSet(self) == Self.headerSet(other)
    }

    private static let parametersThatMustMatch = ["user", "ttl", "method", "maddr", "transport"]

    /// Parameter values compare ignoring case (§19.1.4: "unless specified otherwise").
    private static func sameValue(_ a: SIPParameter, _ b: SIPParameter) -> Bool {
        a.value?.lowercased() == b.value?.lowercased()
    }

    private static func headerSet(_ uri: SIPURI) -> Set<String> {
        Set(uri.headers.map { "\($0.name.string.lowercased())=\($0.value ?? "")" })
    }
}

extension AnyURI {
    /// Whether two URIs name the same resource: SIP and SIPS by RFC 3261 §19.1.4; others
    /// (tel, opaque schemes) when they are written the same, the scheme's case aside.
    public func isEquivalent(to other: AnyURI) -> Bool {
        switch (self, other) {
        case (.sip(let a), .sip(let b)):
            return a.isEquivalent(to: b)
        default:
            return scheme == other.scheme
                && text.string.drop { $0 != ":" } == other.text.string.drop { $0 != ":" }
        }
    }
}
