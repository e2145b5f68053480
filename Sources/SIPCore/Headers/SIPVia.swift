import NIOCore

/// One Via value (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=...;rport;received=...`.
public struct SIPVia: Sendable, CustomStringConvertible {
    /// The rport parameter of RFC 3581 §3.
    public enum RPort: Sendable, Hashable {
        /// No rport parameter.
        case absent
        /// `;rport` without a value: the client asks for the source port to be filled in.
        case requested
        /// `;rport=N`, as set by a server.
        case value(Int)
    }

    let base: ByteBuffer
    let range: ByteSpan
    let protocolNameRange: ByteSpan
    let protocolVersionRange: ByteSpan
    let transportRange: ByteSpan
    let hostRange: ByteSpan
    let parametersRange: ByteSpan
    let branchRange: ByteSpan?
    let receivedRange: ByteSpan?
    let maddrRange: ByteSpan?
    private let storedPort: UInt16?
    private let storedTTL: UInt8?
    public let hostKind: SIPHostKind
    public let rport: RPort

    /// The sent-by port, when given.
    public var port: Int? { storedPort.map(Int.init) }
    /// The ttl parameter (0-255).
    public var ttl: Int? { storedTTL.map(Int.init) }

    init(
        base: ByteBuffer, range: Range<Int>, protocolNameRange: Range<Int>, protocolVersionRange: Range<Int>,
        transportRange: Range<Int>, hostRange: Range<Int>, hostKind: SIPHostKind, port: Int?,
        parametersRange: Range<Int>, branchRange: Range<Int>?, receivedRange: Range<Int>?, rport: RPort,
        maddrRange: Range<Int>?, ttl: Int?
    ) {
        self.base = base
        self.range = ByteSpan(range)
        self.protocolNameRange = ByteSpan(protocolNameRange)
        self.protocolVersionRange = ByteSpan(protocolVersionRange)
        self.transportRange = ByteSpan(transportRange)
        self.hostRange = ByteSpan(hostRange)
        self.hostKind = hostKind
        self.storedPort = port.map { UInt16(truncatingIfNeeded: $0) }
        self.parametersRange = ByteSpan(parametersRange)
        self.branchRange = branchRange.map { ByteSpan($0) }
        self.receivedRange = receivedRange.map { ByteSpan($0) }
        self.rport = rport
        self.maddrRange = maddrRange.map { ByteSpan($0) }
        self.storedTTL = ttl.map { UInt8(truncatingIfNeeded: $0) }
    }

    public var text: SIPString { base.sipString(range) }
    public var description: String { text.string }
    /// `SIP` in `SIP/2.0/UDP`.
    public var protocolName: SIPString { base.sipString(protocolNameRange) }
    /// `2.0` in `SIP/2.0/UDP`.
    public var protocolVersion: SIPString { base.sipString(protocolVersionRange) }
    /// The transport token as written (`UDP`, `tcp`, `TLS`, `WSS`...); compare ignoring case.
    public var transport: SIPString { base.sipString(transportRange) }
    /// The sent-by host as written (IPv6 keeps its brackets).
    public var host: SIPString { base.sipString(hostRange) }
    public var branch: SIPString? { branchRange.map { base.sipString($0) } }
    /// The received parameter: an IPv4 or IPv6 address (with or without brackets, RFC 5118 §4.5).
    public var received: SIPString? { receivedRange.map { base.sipString($0) } }
    public var maddr: SIPString? { maddrRange.map { base.sipString($0) } }
    public var parameters: SIPParameters { SIPParameters(base: base, range: parametersRange.range) }

    /// Whether the branch starts with the RFC 3261 magic cookie `z9hG4bK` (§8.1.1.7): only
    /// then does the branch alone identify the transaction.
    public var hasMagicCookie: Bool {
        guard let branch else { return false }
        return branch.hasPrefix("z9hG4bK")
    }
}

enum ViaGrammar {
    /// via-parm = sent-protocol LWS sent-by *( SEMI via-params )
    static func parse(_ cursor: inout ByteCursor, base: ByteBuffer) throws(SIPParseError) -> SIPVia {
        let bytes = cursor.bytes
        cursor.skipLinearWhitespace()
        let start = cursor.index
        // sent-protocol = protocol-name SLASH protocol-version SLASH transport
        guard let name = cursor.scanToken() else {
            throw SIPParseError(.malformedHeader, "expected SIP/2.0/transport", at: cursor.index)
        }
        guard cursor.consumeSeparator(ASCII.slash), let version = cursor.scanToken() else {
            throw SIPParseError(.malformedHeader, "expected '/' and protocol version after \"\(base.sipString(name))\"", at: cursor.index)
        }
        guard cursor.consumeSeparator(ASCII.slash), let transport = cursor.scanToken() else {
            throw SIPParseError(.malformedHeader, "expected '/' and transport after the protocol version", at: cursor.index)
        }
        guard cursor.skipRequiredWhitespace() else {
            throw SIPParseError(.malformedHeader, "expected whitespace between transport and sent-by", at: cursor.index)
        }
        // sent-by = host [ COLON port ]
        let (host, hostKind) = try HeaderGrammar.scanHost(&cursor)
        var port: Int?
        let afterHost = cursor.index
        if cursor.consumeSeparator(ASCII.colon) {
            port = try HeaderGrammar.scanPort(&cursor)
        } else {
            cursor.index = afterHost
        }
        let parametersStart = cursor.index
        var branch: Range<Int>?
        var received: Range<Int>?
        var rport = SIPVia.RPort.absent
        var maddr: Range<Int>?
        var ttl: Int?
        try HeaderGrammar.parseParameters(&cursor) { name, value throws(SIPParseError) in
            func once(_ slotIsEmpty: Bool) throws(SIPParseError) {
                guard slotIsEmpty else {
                    throw SIPParseError(.malformedHeader, "Via parameter \(base.sipString(name)) appears twice", at: name.lowerBound)
                }
            }
            func required() throws(SIPParseError) -> Range<Int> {
                guard let value else {
                    throw SIPParseError(.malformedHeader, "Via parameter \(base.sipString(name)) needs a value", at: name.lowerBound)
                }
                return value
            }
            if HeaderGrammar.nameEquals(bytes, name, "branch") {
                try once(branch == nil)
                let value = try required()
                guard value.allSatisfy({ bytes[$0].isSIPToken }) else {
                    throw SIPParseError(.malformedHeader, "branch must be a token", at: value.lowerBound)
                }
                branch = value
            } else if HeaderGrammar.nameEquals(bytes, name, "received") {
                try once(received == nil)
                let value = try required()
                // via-received = "received" EQUAL (IPv4address / IPv6address); RFC 5118 §4.5
                // asks to accept the bracketed form too.
                let bare = bytes[value.lowerBound] == ASCII.openBracket ? (value.lowerBound + 1)..<(value.upperBound - 1) : value
                guard HostGrammar.isIPv4(bytes, bare) || HostGrammar.isIPv6(bytes, bare) else {
                    throw SIPParseError(.malformedHeader, "received must be an IP address", at: value.lowerBound)
                }
                received = value
            } else if HeaderGrammar.nameEquals(bytes, name, "rport") {
                try once(rport == .absent)
                // response-port = "rport" [EQUAL 1*DIGIT] (RFC 3581 §3)
                if let value {
                    var digits = ByteCursor(bytes, value)
                    guard case .value(let number, _) = digits.scanDecimal(maximum: 65_535), digits.isAtEnd else {
                        throw SIPParseError(.malformedHeader, "rport must be a port number", at: value.lowerBound)
                    }
                    rport = .value(Int(number))
                } else {
                    rport = .requested
                }
            } else if HeaderGrammar.nameEquals(bytes, name, "maddr") {
                try once(maddr == nil)
                let value = try required()
                var hostCursor = ByteCursor(bytes, value)
                _ = try HeaderGrammar.scanHost(&hostCursor)
                guard hostCursor.isAtEnd else {
                    throw SIPParseError(.malformedHeader, "maddr must be a host", at: value.lowerBound)
                }
                maddr = value
            } else if HeaderGrammar.nameEquals(bytes, name, "ttl") {
                try once(ttl == nil)
                let value = try required()
                var digits = ByteCursor(bytes, value)
                guard case .value(let number, let range) = digits.scanDecimal(maximum: 255), range.count <= 3, digits.isAtEnd else {
                    throw SIPParseError(.malformedHeader, "ttl must be 0-255", at: value.lowerBound)
                }
                ttl = Int(number)
            }
        }
        return SIPVia(
            base: base, range: start..<cursor.index, protocolNameRange: name, protocolVersionRange: version,
            transportRange: transport, hostRange: host, hostKind: hostKind, port: port,
            parametersRange: parametersStart..<cursor.index, branchRange: branch, receivedRange: received,
            rport: rport, maddrRange: maddr, ttl: ttl)
    }
}
