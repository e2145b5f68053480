import SIPCore

/// Values that sipvicious (0.3.8, `sipvicious/svmap.py`, `svwar.py`, `svcrack.py` and
/// `libs/svhelper.py`) hard-codes into its requests. They survive `--useragent`-style
/// rewriting of the User-Agent, which is why they are rules of their own.
enum SipviciousSignatures {
    // MARK: From

    /// svmap's `fromname='sipvicious'` (the display name of From and To) or its default
    /// `fromaddr='sip:100@1.1.1.1'`.
    static func fromMatch(_ from: SIPNameAddress) -> ScannerMatch? {
        if let raw = from.rawDisplayName, isQuoted(raw, equalToLowercase: "sipvicious") {
            return ScannerMatch(rule: .sipviciousFrom, detail: "From display name \(ScannerText.prefix(raw))")
        }
        if let uri = from.uri.sipURI, uri.host == "1.1.1.1", uri.user == "100" {
            return ScannerMatch(rule: .sipviciousFrom, detail: "From \(ScannerText.prefix(uri.text)) (svmap's default address)")
        }
        return nil
    }

    /// Whether a display name as written (quoted or not) is `lowercase` ignoring ASCII case.
    static func isQuoted(_ raw: SIPString, equalToLowercase lowercase: StaticString) -> Bool {
        raw.buffer.withUnsafeReadableBytes { bytes in
            var range = 0..<bytes.count
            if range.count >= 2, bytes[0] == UInt8(ascii: "\""), bytes[bytes.count - 1] == UInt8(ascii: "\"") {
                range = 1..<(bytes.count - 1)
            }
            guard range.count == lowercase.utf8CodeUnitCount else { return false }
            let expected = lowercase.utf8Start
            for offset in 0..<range.count
            where UserAgentPatternSet.lowercase(bytes[range.lowerBound + offset]) != expected[offset] {
                return false
            }
            return true
        }
    }

    // MARK: From tag

    /// The tag svcrack's `Register()` sends before it has a challenge to answer:
    /// `localtag = '3206210844'.encode()`.
    static let svcrackFirstTag = "3206210844"

    /// Tags longer than this are not decoded. svcrack's carry `user:password`, so they can be
    /// long, but 512 hex digits (a 250-byte password) is far beyond any dictionary.
    static let maximumTagLength = 512

    static func tagMatch(_ from: SIPNameAddress) -> ScannerMatch? {
        guard let tag = from.tag else { return nil }
        if tag == svcrackFirstTag {
            return ScannerMatch(rule: .sipviciousTag, detail: "From tag \(svcrackFirstTag) (svcrack's fixed tag)")
        }
        guard let decodedPrefix = tag.buffer.withUnsafeReadableBytes({ createTagPrefix($0) }) else { return nil }
        return ScannerMatch(
            rule: .sipviciousTag,
            detail: "From tag is svhelper.createTag(\"\(String(decoding: decodedPrefix, as: UTF8.self))\")")
    }

    /// `svhelper.createTag(data)` is `b2a_hex(str(data) + b'\x01' + str(getrandbits(32)))`:
    /// svmap puts the target's address in `data`, svwar the extension, svcrack
    /// `user:password`. So the tag is an even number of hex digits that decode to printable
    /// ASCII, one 0x01 byte, then the decimal form of a 32-bit number. Returns the decoded
    /// `data` when `tag` has that shape, nil otherwise.
    ///
    /// Why not "any hex tag": many phones send hex tags (baresip: 16 hex digits). Requiring
    /// the decoded 0x01 and at least 5 decimal digits after it (a random 32-bit number has
    /// fewer with probability 2e-6) makes a random 8-byte hex tag pass with a probability
    /// below 1e-10. A `data` with bytes outside printable ASCII (a non-ASCII password) is
    /// not recognised: fail open.
    static func createTagPrefix(_ tag: UnsafeRawBufferPointer) -> [UInt8]? {
        let count = tag.count
        guard count >= 12, count % 2 == 0, count <= maximumTagLength else { return nil }
        var separator: Int?
        var digits = 0
        var index = 0
        while index < count {
            guard let high = hexValue(tag[index]), let low = hexValue(tag[index + 1]) else { return nil }
            let byte = high << 4 | low
            if separator == nil {
                if byte == 0x01 {
                    separator = index / 2
                } else if byte < 0x20 || byte > 0x7E {
                    return nil
                }
            } else {
                guard byte &- UInt8(ascii: "0") < 10 else { return nil }
                digits += 1
            }
            index += 2
        }
        guard let separator, (5...10).contains(digits) else { return nil }
        // Cold path (a match): decode the prefix for the detail.
        var prefix: [UInt8] = []
        prefix.reserveCapacity(separator)
        for pair in 0..<separator {
            prefix.append(hexValue(tag[2 * pair])! << 4 | hexValue(tag[2 * pair + 1])!)
        }
        return prefix
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: Contact

    /// `svhelper.makeRequest(..., contact='sip:123@1.1.1.1', ...)`: the Contact of every
    /// request whose caller does not pass its own (0.3.8's commands all pass one; earlier
    /// releases and scripts built on svhelper do not).
    static func contactMatch(_ contacts: SIPContactList) -> ScannerMatch? {
        for contact in contacts.contacts {
            if let uri = contact.uri.sipURI, uri.host == "1.1.1.1", uri.user == "123" {
                return ScannerMatch(rule: .sipviciousContact, detail: "Contact \(ScannerText.prefix(uri.text)) (svhelper's default)")
            }
        }
        return nil
    }

    // MARK: Branch and Call-ID

    /// svhelper writes `branch=z9hG4bK-%s` with `random.getrandbits(32)` in decimal, and every
    /// command makes the Call-ID `random.getrandbits(32)` (svwar, svcrack) or `(80)` (svmap) in
    /// decimal, with no `@host`. Either alone is a weak sign; both together are sipvicious'
    /// layout (SIPp's `z9hG4bK-1591-1-0` has more hyphens, pjsip and baresip use other
    /// shapes).
    static func branchMatch(branch: SIPString, callID: SIPString) -> ScannerMatch? {
        let branchShape = branch.buffer.withUnsafeReadableBytes { bytes -> Bool in
            let cookie: StaticString = "z9hG4bK-"
            let cookieLength = cookie.utf8CodeUnitCount
            guard bytes.count > cookieLength, bytes.count <= cookieLength + 10 else { return false }
            for offset in 0..<cookieLength where bytes[offset] != cookie.utf8Start[offset] { return false }
            return bytes[cookieLength...].allSatisfy { $0 &- UInt8(ascii: "0") < 10 }
        }
        guard branchShape else { return nil }
        // 2^80 has 25 decimal digits.
        let callIDShape = callID.buffer.withUnsafeReadableBytes { bytes in
            (1...25).contains(bytes.count) && bytes.allSatisfy { $0 &- UInt8(ascii: "0") < 10 }
        }
        guard callIDShape else { return nil }
        return ScannerMatch(
            rule: .sipviciousBranch,
            detail: "Via branch \(ScannerText.prefix(branch)) with Call-ID \(ScannerText.prefix(callID))")
    }
}
