import NIOCore

/// One Contact value (RFC 3261 §20.10) with its expires and q parameters read.
public struct SIPContact: Sendable, CustomStringConvertible {
    /// The address, display name and all parameters.
    public let address: SIPNameAddress
    /// The expires parameter in seconds (RFC 3261 §10.2.1.1).
    public let expires: UInt32?
    /// The q parameter in thousandths (0...1000), exact where a Double would not be.
    public let qThousandths: Int?

    public var uri: AnyURI { address.uri }
    public var parameters: SIPParameters { address.parameters }
    /// The q parameter as a number between 0 and 1.
    public var q: Double? { qThousandths.map { Double($0) / 1000 } }
    public var description: String { address.description }
}

/// The Contact header fields of a message (RFC 3261 §20.10).
public enum SIPContactList: Sendable {
    /// `Contact: *`, only meaningful in a REGISTER that removes every binding (§10.2.2).
    case wildcard
    /// Zero or more addresses, in order, across every Contact field.
    case addresses([SIPContact])

    /// The addresses (empty for `*`).
    public var contacts: [SIPContact] {
        if case .addresses(let contacts) = self { return contacts }
        return []
    }

    public var isWildcard: Bool {
        if case .wildcard = self { return true }
        return false
    }
}

enum ContactGrammar {
    /// contact-param = (name-addr / addr-spec) *(SEMI contact-params)
    static func parseContact(_ cursor: inout ByteCursor, base: ByteBuffer, limits: ParserLimits) throws(SIPParseError) -> SIPContact {
        let bytes = cursor.bytes
        cursor.skipLinearWhitespace()
        let start = cursor.index
        let address = try NameAddressGrammar.parseAddress(&cursor, base: base, limits: limits, requireBrackets: false)
        let parametersStart = cursor.index
        var expires: UInt32?
        var q: Int?
        try HeaderGrammar.parseParameters(&cursor) { name, value throws(SIPParseError) in
            if HeaderGrammar.nameEquals(bytes, name, "expires") {
                guard expires == nil else { throw SIPParseError(.malformedHeader, "expires parameter appears twice", at: name.lowerBound) }
                guard let value else { throw SIPParseError(.malformedHeader, "expires parameter needs a value", at: name.lowerBound) }
                var digits = ByteCursor(bytes, value)
                expires = try HeaderGrammar.scanDeltaSeconds(&digits, what: "Contact expires")
                guard digits.isAtEnd else { throw SIPParseError(.malformedHeader, "Contact expires must be a decimal number", at: value.lowerBound) }
            } else if HeaderGrammar.nameEquals(bytes, name, "q") {
                guard q == nil else { throw SIPParseError(.malformedHeader, "q parameter appears twice", at: name.lowerBound) }
                guard let value, let parsed = parseQValue(bytes, value) else {
                    throw SIPParseError(.malformedHeader, "q must be a qvalue between 0 and 1 with at most three decimals", at: name.lowerBound)
                }
                q = parsed
            }
        }
        let nameAddress = SIPNameAddress(
            range: start..<cursor.index, displayNameRange: address.displayName, uri: address.uri,
            isBracketed: address.bracketed, parametersRange: parametersStart..<cursor.index, tagRange: nil)
        return SIPContact(address: nameAddress, expires: expires, qThousandths: q)
    }

    /// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths.
    static func parseQValue(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard let first = range.first, bytes[first] == UInt8(ascii: "0") || bytes[first] == UInt8(ascii: "1") else { return nil }
        let whole = Int(bytes[first] - UInt8(ascii: "0"))
        guard range.count > 1 else { return whole * 1000 }
        guard bytes[first + 1] == ASCII.period, range.count <= 5 else { return nil }
        var thousandths = 0
        var scale = 100
        for position in (first + 2)..<range.upperBound {
            guard bytes[position].isSIPDigit else { return nil }
            thousandths += Int(bytes[position] - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        guard whole == 0 || thousandths == 0 else { return nil }
        return whole * 1000 + thousandths
    }
}
