import SIPCore

/// The rules that need the caller's knowledge (`ScannerContext`): shapes that are ordinary
/// from one of our devices but, from a stranger without credentials, are what scanning looks
/// like. The caller runs them only for requests without Authorization or
/// Proxy-Authorization (RFC 3261 §22.2, §22.3) from a source that is not known.
enum ContextualRules {
    /// What the two rules read from a request, gathered once.
    struct Addresses {
        var method: SIPMethod
        var requestURI: AnyURI
        var from: SIPNameAddress
    }

    // MARK: international-from-unknown

    /// "John Doe <4000>" (the first mass SIP scan, which sent INVITEs for 0033147310370 to
    /// every SIP device it found, as the FreePBX write-up "Strange Calls from John Doe
    /// <4000>?" tells) and the toll fraud probes since: an INVITE to an international number
    /// that is not one of ours, from a From user that is not ours either. A real trunk's incoming call comes from a known
    /// source (a provider) and is for one of our DIDs; a real device's outgoing call carries
    /// credentials after the challenge, or comes from its registered address.
    static func internationalMatch(_ addresses: Addresses, context: ScannerContext) -> ScannerMatch? {
        guard addresses.method == .invite, let user = userPart(of: addresses.requestURI),
            isInternationalNumber(user)
        else { return nil }
        let dialled = String(decoding: user, as: UTF8.self)
        guard !context.isLocalUser(dialled), !isLocal(addresses.from.uri, context) else { return nil }
        return ScannerMatch(
            rule: .internationalFromUnknown,
            detail: "INVITE for \(dialled) from \(ScannerText.prefix(addresses.from.text)) without credentials")
    }

    /// An international dialling shape: `+`, `00` (ITU-T E.164 recommended prefix) or `011`
    /// (North America) followed by 7 to 15 digits (E.164 numbers have at most 15), RFC 3966
    /// visual separators (`-`, `.`, `(`, `)`) allowed between them. A `;` ends the number (a
    /// telephone-subscriber's parameters in a SIP user part, RFC 3261 §19.1.6).
    ///
    /// The UK's national numbers 0113... to 0118... also start with 011; an unauthenticated
    /// call from a stranger to such a number that is not ours is an attempt to dial out all
    /// the same.
    static func isInternationalNumber(_ user: [UInt8]) -> Bool {
        var index: Int
        if user.first == UInt8(ascii: "+") {
            index = 1
        } else if user.starts(with: "011".utf8) {
            index = 3
        } else if user.starts(with: "00".utf8) {
            index = 2
        } else {
            return false
        }
        var digits = 0
        while index < user.count, user[index] != UInt8(ascii: ";") {
            let byte = user[index]
            if byte &- UInt8(ascii: "0") < 10 {
                digits += 1
            } else if byte != UInt8(ascii: "-"), byte != UInt8(ascii: "."), byte != UInt8(ascii: "("), byte != UInt8(ascii: ")") {
                return false
            }
            index += 1
        }
        return (7...15).contains(digits)
    }

    // MARK: bare-ip-unknown-user

    /// A request for `user@<IP literal>` where the user is not ours, from a From user that is
    /// not ours: the shape of svmap (`OPTIONS sip:100@IP`), svwar with INVITE or OPTIONS
    /// (`sip:EXT@IP`) and of "call anything@the.device.address" probes. Our own devices and
    /// providers address us by domain or, when by IP, address users we have.
    ///
    /// REGISTER is left out: its Request-URI has no user part (RFC 3261 §10.2) and failed
    /// registrations are the registrar's to count. ACK and CANCEL are left out too: they
    /// belong to an INVITE transaction already judged (RFC 3261 §9.1, §17.1.1.3), and counting
    /// them would count one attempt twice.
    static func bareIPMatch(_ addresses: Addresses, context: ScannerContext) -> ScannerMatch? {
        switch addresses.method {
        case .register, .ack, .cancel: return nil
        default: break
        }
        guard let uri = addresses.requestURI.sipURI, uri.hostKind != .domainName,
            let user = uri.decodedUser, !user.isEmpty
        else { return nil }
        let called = String(decoding: user, as: UTF8.self)
        guard !context.isLocalUser(called), !isLocal(addresses.from.uri, context) else { return nil }
        return ScannerMatch(
            rule: .bareIPUnknownUser,
            detail: "\(addresses.method.name) for \(ScannerText.prefix(uri.text)) from \(ScannerText.prefix(addresses.from.text)) without credentials")
    }

    // MARK: Helpers

    /// The user part of a SIP URI (percent-decoded) or a TEL URI's number (as written).
    static func userPart(of uri: AnyURI) -> [UInt8]? {
        switch uri {
        case .sip(let sip): return sip.decodedUser
        case .tel(let tel): return tel.number.bytes
        case .other: return nil
        }
    }

    /// Whether a From address names one of our users. An address without a user part is
    /// nobody's.
    static func isLocal(_ uri: AnyURI, _ context: ScannerContext) -> Bool {
        guard let user = userPart(of: uri), !user.isEmpty else { return false }
        return context.isLocalUser(String(decoding: user, as: UTF8.self))
    }
}
