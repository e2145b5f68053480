import NIOCore
import SIPCore
import SIPTestSupport
import Testing

/// A request whose Via lines are `viaLines` (complete lines, e.g. "Via: SIP/2.0/UDP h").
private func request(via viaLines: [String]) -> String {
    SampleMessages.message(
        ["OPTIONS sip:bob@biloxi.example.com SIP/2.0"] + viaLines + [
            "Max-Forwards: 70",
            "To: <sip:bob@biloxi.example.com>",
            "From: <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710",
            "CSeq: 1 OPTIONS",
        ])
}

/// The Via values of a request with one Via line holding `value`.
private func vias(_ value: String) throws -> [SIPVia] {
    var message = try SIPMessage(parsing: request(via: ["Via: \(value)"]))
    return try message.via()
}

private func failure(_ body: () throws -> Void) -> SIPParseError? {
    do {
        try body()
        return nil
    } catch let error as SIPParseError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// The error `via()` reports for one Via line holding `value` (the message itself parses).
private func viaFailure(_ value: String) -> SIPParseError? {
    failure {
        var message = try SIPMessage(parsing: request(via: ["Via: \(value)"]))
        _ = try message.via()
    }
}

/// Codes a refused Via value may carry: the value is malformed, or its host is (the host
/// grammar is shared with URIs).
private let viaRefusalCodes: Set<SIPParseError.Code> = [.malformedHeader, .invalidURI]

/// Via (RFC 3261 §20.42, §18.2.2, §25.1; RFC 3581; RFC 5118 §4.5).
@Suite("Via parsing")
struct ViaParsingTests {
    // MARK: - sent-protocol

    static let sentProtocols: [(value: String, name: String, version: String, transport: String, rfc: String)] = [
        ("SIP/2.0/UDP pc33.atlanta.example.com", "SIP", "2.0", "UDP", "RFC 3261 §20.42"),
        ("SIP / 2.0 / UDP pc33.atlanta.example.com", "SIP", "2.0", "UDP", "RFC 3261 §25.1 SLASH = SWS \"/\" SWS; RFC 4475 §3.1.1.1"),
        ("SIP/ 2.0 /TCP pc33.atlanta.example.com", "SIP", "2.0", "TCP", "RFC 3261 §25.1 SLASH"),
        ("SIP\t/\t2.0\t/\tTLS pc33.atlanta.example.com", "SIP", "2.0", "TLS", "RFC 3261 §25.1 SWS includes HTAB"),
        ("SIP/2.0/UDP\r\n pc33.atlanta.example.com", "SIP", "2.0", "UDP", "RFC 3261 §7.3.1: folded LWS before sent-by"),
        ("SIP /\r\n 2.0/UDP    pc33.atlanta.example.com", "SIP", "2.0", "UDP", "RFC 3261 §25.1: SWS may be folded"),
        ("sip/2.0/udp pc33.atlanta.example.com", "sip", "2.0", "udp", "RFC 3261 §7.3.1: tokens kept as written"),
    ]

    @Test("sent-protocol tolerates LWS around the slashes", arguments: sentProtocols)
    func sentProtocol(_ row: (value: String, name: String, version: String, transport: String, rfc: String)) throws {
        let via = try #require(try vias(row.value).first)
        #expect(via.protocolName == SIPString(row.name), "\(row.rfc)")
        #expect(via.protocolVersion == SIPString(row.version))
        #expect(via.transport == SIPString(row.transport))
        #expect(via.host == "pc33.atlanta.example.com")
        #expect(via.port == nil)
    }

    static let transports: [(transport: String, rfc: String)] = [
        ("UDP", "RFC 3261 §20.42"), ("TCP", "RFC 3261 §20.42"), ("TLS", "RFC 3261 §20.42"),
        ("SCTP", "RFC 3261 §20.42"), ("TLS-SCTP", "RFC 4168 §7"), ("WS", "RFC 7118 §5"),
        ("WSS", "RFC 7118 §5"), ("UNKNOWN", "RFC 4475 §3.1.1.10 other-transport = token"),
        ("udp", "RFC 3261 §7.3.1: case kept as written"),
    ]

    @Test("every transport token is kept as written", arguments: transports)
    func transport(_ row: (transport: String, rfc: String)) throws {
        let via = try #require(try vias("SIP/2.0/\(row.transport) client.example.com;branch=z9hG4bK1").first)
        #expect(via.transport == SIPString(row.transport), "\(row.rfc)")
        #expect(via.branch == "z9hG4bK1")
    }

    static let malformedSentProtocols: [(value: String, rfc: String)] = [
        ("SIP/2.0 host.example.com", "RFC 3261 §25.1 sent-protocol has three parts"),
        ("SIP/2.0/ host.example.com", "RFC 3261 §25.1: sent-by must follow the transport after LWS"),
        ("SIP/2.0/UDP", "RFC 3261 §25.1: sent-by is required"),
        ("SIP/2.0/UDPhost.example.com", "RFC 3261 §25.1 via-parm = sent-protocol LWS sent-by"),
        ("/2.0/UDP host.example.com", "RFC 3261 §25.1 protocol-name"),
        ("SIP//UDP host.example.com", "RFC 3261 §25.1 protocol-version"),
        ("SIP/2.0/UDP ;branch=z9hG4bK1", "RFC 3261 §25.1: sent-by is required"),
        ("SIP/2.0/UDP host.example.com extra", "RFC 3261 §25.1: only via-params after sent-by"),
        ("\"SIP\"/2.0/UDP host.example.com", "RFC 3261 §25.1 protocol-name is a token"),
    ]

    @Test("a malformed sent-protocol or missing sent-by is refused", arguments: malformedSentProtocols)
    func malformedSentProtocol(_ row: (value: String, rfc: String)) {
        let error = viaFailure(row.value)
        #expect(viaRefusalCodes.contains(error?.code ?? .emptyMessage), "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 2)
    }

    // MARK: - sent-by

    static let sentBys: [(value: String, host: String, kind: SIPHostKind, port: Int?, rfc: String)] = [
        ("pc33.atlanta.example.com", "pc33.atlanta.example.com", .domainName, nil, "RFC 3261 §20.42"),
        ("pc33.atlanta.example.com:5060", "pc33.atlanta.example.com", .domainName, 5060, "RFC 3261 §25.1 sent-by = host [ COLON port ]"),
        ("pc33.atlanta.example.com : 5061", "pc33.atlanta.example.com", .domainName, 5061, "RFC 3261 §25.1 COLON = SWS \":\" SWS"),
        ("192.0.2.1", "192.0.2.1", .ipv4, nil, "RFC 3261 §25.1 IPv4address"),
        ("192.0.2.1:65535", "192.0.2.1", .ipv4, 65535, "RFC 3261 §25.1 port"),
        ("255.255.255.255", "255.255.255.255", .ipv4, nil, "RFC 4475 §3.3.10: broadcast parses"),
        ("[2001:db8::1]", "[2001:db8::1]", .ipv6, nil, "RFC 5118 §4.1 IPv6reference"),
        ("[2001:db8::1]:5070", "[2001:db8::1]", .ipv6, 5070, "RFC 5118 §4.7"),
        ("[::ffff:192.0.2.10]:5060", "[::ffff:192.0.2.10]", .ipv6, 5060, "RFC 5118 §4.9 IPv4-mapped"),
        ("host.example.com.", "host.example.com.", .domainName, nil, "RFC 3261 §25.1 hostname [ \".\" ]"),
    ]

    @Test("sent-by hosts and ports", arguments: sentBys)
    func sentBy(_ row: (value: String, host: String, kind: SIPHostKind, port: Int?, rfc: String)) throws {
        let via = try #require(try vias("SIP/2.0/UDP \(row.value);branch=z9hG4bK1").first)
        #expect(via.host == SIPString(row.host), "\(row.rfc)")
        #expect(via.hostKind == row.kind)
        #expect(via.port == row.port)
        #expect(via.branch == "z9hG4bK1")
    }

    static let badSentBys: [(value: String, rfc: String)] = [
        ("host.example.com:65536", "RFC 3261 §25.1 port (16 bits)"),
        ("host.example.com:", "RFC 3261 §25.1: COLON must be followed by a port"),
        ("host.example.com:abc", "RFC 3261 §25.1 port = 1*DIGIT"),
        ("host.example.com:5060:5060", "RFC 3261 §25.1: one port"),
        ("2001:db8::1", "RFC 5118 §4.1: an IPv6 sent-by is an IPv6reference"),
        ("[2001:db8::1", "RFC 3261 §25.1 IPv6reference = \"[\" IPv6address \"]\""),
        ("[2001:db8::g]", "RFC 3261 §25.1 hex4"),
        ("192.0.2.256", "RFC 3261 §25.1 IPv4address: octets ≤ 255"),
        ("host_name.example.com", "RFC 3261 §25.1 hostname: no '_'"),
        ("-host.example.com", "RFC 3261 §25.1 domainlabel"),
        ("<host.example.com>", "RFC 3261 §25.1 host"),
    ]

    @Test("bad sent-by hosts and ports are refused", arguments: badSentBys)
    func badSentBy(_ row: (value: String, rfc: String)) {
        let error = viaFailure("SIP/2.0/UDP \(row.value);branch=z9hG4bK1")
        #expect(viaRefusalCodes.contains(error?.code ?? .emptyMessage), "\(row.rfc): \(String(describing: error))")
    }

    // MARK: - via-params

    @Test("branch, received, rport, maddr and ttl are read (RFC 3261 §20.42, RFC 3581 §3)")
    func knownParameters() throws {
        let via = try #require(
            try vias("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;received=198.51.100.7;rport=47000;maddr=224.2.0.1;ttl=16;x-ext=abc;x-flag").first)
        #expect(via.branch == "z9hG4bK776asdhds")
        #expect(via.received == "198.51.100.7")
        #expect(via.rport == .value(47000))
        #expect(via.maddr == "224.2.0.1")
        #expect(via.ttl == 16)
        #expect(via.hasMagicCookie)
        #expect(via.parameters["x-ext"]?.value == "abc")
        #expect(via.parameters.contains("x-flag"))
        #expect(via.parameters["x-flag"]?.rawValue == nil)
        #expect(via.parameters.map(\.name.string) == ["branch", "received", "rport", "maddr", "ttl", "x-ext", "x-flag"])
        #expect(via.text == "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;received=198.51.100.7;rport=47000;maddr=224.2.0.1;ttl=16;x-ext=abc;x-flag")
    }

    @Test("no parameters at all: every optional part is absent (RFC 3261 §20.42, RFC 2543 compatibility)")
    func noParameters() throws {
        let via = try #require(try vias("SIP/2.0/UDP host.example.com").first)
        #expect(via.branch == nil)
        #expect(via.received == nil)
        #expect(via.rport == .absent)
        #expect(via.maddr == nil)
        #expect(via.ttl == nil)
        #expect(!via.hasMagicCookie)
        #expect(via.parameters.isEmpty)
    }

    static let rports: [(params: String, rport: SIPVia.RPort, rfc: String)] = [
        ("", .absent, "RFC 3581 §3: no rport"),
        (";rport", .requested, "RFC 3581 §3 response-port = \"rport\" [EQUAL 1*DIGIT]"),
        (";rport=5060", .value(5060), "RFC 3581 §4: filled in by the server"),
        (";rport = 5060", .value(5060), "RFC 3261 §25.1 EQUAL = SWS \"=\" SWS"),
        (";RPORT", .requested, "RFC 3261 §7.3.1: parameter names are case-insensitive"),
        (";rport=0", .value(0), "RFC 3581 §3: 1*DIGIT"),
        (";rport=65535", .value(65535), "RFC 3581 §3"),
        (";received=192.0.2.1;rport=1234", .value(1234), "RFC 3581 §4"),
    ]

    @Test("rport: absent, requested (flag) or a value", arguments: rports)
    func rport(_ row: (params: String, rport: SIPVia.RPort, rfc: String)) throws {
        let via = try #require(try vias("SIP/2.0/UDP host.example.com;branch=z9hG4bK1\(row.params)").first)
        #expect(via.rport == row.rport, "\(row.rfc)")
    }

    static let receiveds: [(value: String, rfc: String)] = [
        ("192.0.2.1", "RFC 3261 §20.42 via-received = IPv4address"),
        ("2001:db8::9:255", "RFC 5118 §4.5: IPv6address without brackets"),
        ("[2001:db8::9:255]", "RFC 5118 §4.5: brackets tolerated"),
        ("::ffff:192.0.2.1", "RFC 5118 §4.9: IPv4-mapped"),
        ("0.0.0.0", "RFC 3261 §25.1 IPv4address"),
    ]

    @Test("received holds an IPv4 or IPv6 address", arguments: receiveds)
    func received(_ row: (value: String, rfc: String)) throws {
        let via = try #require(try vias("SIP/2.0/UDP host.example.com;received=\(row.value);branch=z9hG4bK1").first)
        #expect(via.received == SIPString(row.value), "\(row.rfc)")
        #expect(via.branch == "z9hG4bK1")
    }

    static let maddrTTLs: [(params: String, maddr: String, ttl: Int?, rfc: String)] = [
        (";maddr=224.2.0.1;ttl=0", "224.2.0.1", 0, "RFC 3261 §20.42 ttl = 1*3DIGIT (0-255)"),
        (";maddr=mcast.example.com;ttl=255", "mcast.example.com", 255, "RFC 3261 §25.1 via-maddr = \"maddr\" EQUAL host"),
        (";maddr=[ff02::1]", "[ff02::1]", nil, "RFC 5118 §4.1: IPv6reference host"),
        (";ttl=007;maddr=239.1.1.1", "239.1.1.1", 7, "RFC 3261 §25.1 1*3DIGIT with leading zeros"),
    ]

    @Test("maddr and ttl", arguments: maddrTTLs)
    func maddrAndTTL(_ row: (params: String, maddr: String, ttl: Int?, rfc: String)) throws {
        let via = try #require(try vias("SIP/2.0/UDP host.example.com\(row.params)").first)
        #expect(via.maddr == SIPString(row.maddr), "\(row.rfc)")
        #expect(via.ttl == row.ttl)
    }

    static let branches: [(params: String, cookie: Bool, rfc: String)] = [
        (";branch=z9hG4bK776asdhds", true, "RFC 3261 §8.1.1.7 magic cookie"),
        (";branch=z9hG4bK", true, "RFC 4475 §3.2.1: the cookie alone still starts with it"),
        (";branch=776asdhds", false, "RFC 3261 §8.1.1.7: RFC 2543 branch"),
        (";branch=z9hG4b", false, "RFC 3261 §8.1.1.7: a prefix of the cookie is not the cookie"),
        (";branch=xz9hG4bK1", false, "RFC 3261 §8.1.1.7: the cookie must come first"),
        ("", false, "RFC 3261 §20.42: no branch (RFC 2543)"),
        (";x-branch=z9hG4bK1", false, "another parameter is not the branch"),
        (" ; BRANCH = z9hG4bKcase", true, "RFC 3261 §7.3.1: parameter names are case-insensitive; SEMI/EQUAL allow SWS"),
    ]

    @Test("hasMagicCookie says whether the branch starts with z9hG4bK", arguments: branches)
    func magicCookie(_ row: (params: String, cookie: Bool, rfc: String)) throws {
        let via = try #require(try vias("SIP/2.0/UDP host.example.com\(row.params)").first)
        #expect(via.hasMagicCookie == row.cookie, "\(row.rfc)")
    }

    static let duplicateParameters: [(params: String, rfc: String)] = [
        (";branch=z9hG4bK1;branch=z9hG4bK2", "RFC 3261 §17.2.3: the transaction is matched on one branch"),
        (";branch=z9hG4bK1;Branch=z9hG4bK1", "RFC 3261 §7.3.1: names compare case-insensitively"),
        (";received=192.0.2.1;received=192.0.2.2", "RFC 3261 §18.2.2: one address to answer to"),
        (";rport;rport=5060", "RFC 3581 §3: one response-port"),
        (";rport=5060;rport=5061", "RFC 3581 §3"),
        (";maddr=224.2.0.1;maddr=224.2.0.2", "RFC 3261 §18.2.2: one maddr"),
        (";ttl=1;ttl=2", "RFC 3261 §20.42"),
    ]

    @Test("a repeated known parameter is refused", arguments: duplicateParameters)
    func duplicateParameter(_ row: (params: String, rfc: String)) {
        let error = viaFailure("SIP/2.0/UDP host.example.com\(row.params)")
        #expect(error?.code == .malformedHeader, "\(row.rfc): \(String(describing: error))")
        #expect(error?.detail.contains("twice") == true)
    }

    static let badParameters: [(params: String, rfc: String)] = [
        (";received=pc33.atlanta.example.com", "RFC 3261 §20.42 via-received = IPv4address / IPv6address"),
        (";received=192.0.2.256", "RFC 3261 §25.1 IPv4address"),
        (";received=192.0.2", "RFC 3261 §25.1 IPv4address"),
        (";received=\"192.0.2.1\"", "RFC 3261 §25.1: not a quoted string"),
        (";received", "RFC 3261 §25.1: received needs a value"),
        (";received=", "RFC 3261 §25.1"),
        (";received=2001:db8::g", "RFC 3261 §25.1 IPv6address"),
        (";ttl=256", "RFC 3261 §25.1 ttl = 1*3DIGIT, 0-255"),
        (";ttl=-1", "RFC 3261 §25.1"),
        (";ttl=abc", "RFC 3261 §25.1"),
        (";ttl=0016", "RFC 3261 §25.1: at most three digits"),
        (";ttl", "RFC 3261 §25.1: ttl needs a value"),
        (";rport=65536", "RFC 3581 §3: a port number"),
        (";rport=abc", "RFC 3581 §3 1*DIGIT"),
        (";rport=\"5060\"", "RFC 3581 §3 1*DIGIT"),
        (";rport=", "RFC 3581 §3"),
        (";maddr=bad_host", "RFC 3261 §25.1 via-maddr = \"maddr\" EQUAL host"),
        (";maddr=1.2.3.999", "RFC 3261 §25.1 IPv4address"),
        (";maddr", "RFC 3261 §25.1: maddr needs a value"),
        (";branch", "RFC 3261 §25.1 via-branch = \"branch\" EQUAL token"),
        (";branch=", "RFC 3261 §25.1"),
        (";branch=\"z9hG4bK1\"", "RFC 3261 §25.1: branch is a token, not a quoted string"),
        (";", "RFC 3261 §25.1: SEMI is followed by a via-param"),
        (";;branch=z9hG4bK1", "RFC 3261 §25.1; RFC 4475 §3.1.2.1"),
        (";=x", "RFC 3261 §25.1 generic-param = token [ EQUAL gen-value ]"),
        (";x=a:b", "RFC 3261 §25.1 gen-value = token / host / quoted-string"),
        (";x=\"unterminated", "RFC 3261 §25.1 quoted-string"),
    ]

    @Test("bad received, ttl, rport, maddr and branch values are refused", arguments: badParameters)
    func badParameter(_ row: (params: String, rfc: String)) {
        let error = viaFailure("SIP/2.0/UDP host.example.com\(row.params)")
        #expect(viaRefusalCodes.contains(error?.code ?? .emptyMessage), "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 2)
    }

    @Test("the error points at the bad parameter value (1-based line and byte column)")
    func errorLocation() {
        let line = "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1;ttl=256"
        let error = failure {
            var message = try SIPMessage(parsing: request(via: [line]))
            _ = try message.via()
        }
        #expect(error?.code == .malformedHeader)
        #expect(error?.line == 2)
        #expect(error?.column == line.utf8.count - 2)  // the '2' of "256"
        #expect(error?.detail.hasPrefix("Via:") == true)
    }

    // MARK: - Lists

    @Test("several values on one line, in order (RFC 3261 §7.3.1, §20.42)")
    func severalValuesOnOneLine() throws {
        let values = try vias("SIP/2.0/UDP first.example.com;branch=z9hG4bK1, SIP/2.0/TCP second.example.com:5061;branch=z9hG4bK2 ,SIP/2.0/TLS [2001:db8::3];branch=z9hG4bK3")
        #expect(values.map(\.host.string) == ["first.example.com", "second.example.com", "[2001:db8::3]"])
        #expect(values.map(\.transport.string) == ["UDP", "TCP", "TLS"])
        #expect(values.map(\.branch?.string) == ["z9hG4bK1", "z9hG4bK2", "z9hG4bK3"])
        #expect(values[1].port == 5061)
        #expect(values[0].text == "SIP/2.0/UDP first.example.com;branch=z9hG4bK1")
    }

    @Test("values across lines and compact forms keep message order; topVia is the first (RFC 3261 §7.3.1, §18.2.2)")
    func valuesAcrossLines() throws {
        var message = try SIPMessage(
            parsing: request(via: [
                "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa, SIP/2.0/UDP b.example.com;branch=z9hG4bKb",
                "v: SIP/2.0/UDP c.example.com;branch=z9hG4bKc",
                "VIA: SIP/2.0/UDP d.example.com;branch=z9hG4bKd,\r\n SIP/2.0/UDP e.example.com;branch=z9hG4bKe",
            ]))
        let values = try message.via()
        #expect(values.map(\.host.string) == ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com"])
        #expect(try message.topVia().branch == "z9hG4bKa")
        #expect(try message.via().count == 5)  // cached, same answer
        try message.validate()
    }

    static let emptyElements: [(value: String, rfc: String)] = [
        ("SIP/2.0/UDP a.example.com,,SIP/2.0/UDP b.example.com", "RFC 4475 §3.1.2.1: empty list element"),
        ("SIP/2.0/UDP a.example.com, ,SIP/2.0/UDP b.example.com", "RFC 4475 §3.1.2.1"),
        (", SIP/2.0/UDP a.example.com", "RFC 3261 §7.3.1: no leading comma"),
        ("SIP/2.0/UDP a.example.com,", "RFC 3261 §7.3.1: no trailing comma"),
        (",", "RFC 3261 §20.42: 1#via-parm"),
        ("", "RFC 3261 §20.42: Via is not empty"),
        ("SIP/2.0/UDP a.example.com SIP/2.0/UDP b.example.com", "RFC 3261 §7.3.1: values are separated by commas"),
    ]

    @Test("empty list elements are refused", arguments: emptyElements)
    func emptyElement(_ row: (value: String, rfc: String)) {
        let error = viaFailure(row.value)
        #expect(error?.code == .malformedHeader, "\(row.rfc): \(String(describing: error))")
    }

    @Test("topVia of a message without Via is a missing header (RFC 3261 §8.1.1.7)")
    func missingVia() {
        let error = failure {
            var message = try SIPMessage(parsing: request(via: []))
            #expect(try message.via().isEmpty)
            _ = try message.topVia()
        }
        #expect(error?.code == .missingHeader)
    }

    // MARK: - Limits

    @Test("the Via count limit applies to values across fields (ParserLimits.maxViaCount)")
    func viaCountLimit() throws {
        let limits = ParserLimits(maxViaCount: 3)
        func line(_ name: String) -> String { "Via: SIP/2.0/UDP \(name).example.com;branch=z9hG4bK\(name)" }
        // Exactly the limit, as fields: fine.
        var three = try SIPMessage(parsing: request(via: [line("a"), line("b"), line("c")]), limits: limits)
        #expect(try three.via().count == 3)
        // One field more: refused while reading the header section.
        let fourFields = failure { _ = try SIPMessage(parsing: request(via: [line("a"), line("b"), line("c"), line("d")]), limits: limits) }
        #expect(fourFields?.code == .tooManyVias)
        #expect(fourFields?.line == 5)
        // Four values in one field: refused when the values are read.
        let oneField = "Via: SIP/2.0/UDP a.example.com, SIP/2.0/UDP b.example.com, SIP/2.0/UDP c.example.com, SIP/2.0/UDP d.example.com"
        var packed = try SIPMessage(parsing: request(via: [oneField]), limits: limits)
        #expect(failure { _ = try packed.via() }?.code == .tooManyVias)
        #expect(failure { try packed.validate() }?.code == .tooManyVias)
        // Two fields of two values each.
        let twoByTwo = "Via: SIP/2.0/UDP a.example.com, SIP/2.0/UDP b.example.com"
        var split = try SIPMessage(parsing: request(via: [twoByTwo, twoByTwo]), limits: limits)
        #expect(failure { _ = try split.via() }?.code == .tooManyVias)
        #expect(SIPParseError.Code.tooManyVias.suggestedStatus == 513)
    }

    @Test("default limit: 70 Via values pass, 71 are refused (RFC 3261 §8.1.1.6 Max-Forwards 70)")
    func defaultViaLimit() throws {
        let limit = ParserLimits.default.maxViaCount
        #expect(limit == 70)
        let values = (0..<limit).map { "SIP/2.0/UDP p\($0).example.com;branch=z9hG4bK\($0)" }
        // Seven lines of ten values each.
        let lines = stride(from: 0, to: limit, by: 10).map { "Via: " + values[$0..<($0 + 10)].joined(separator: ", ") }
        var message = try SIPMessage(parsing: request(via: lines))
        #expect(try message.via().count == limit)
        try message.validate()
        var tooMany = try SIPMessage(parsing: request(via: lines + ["Via: SIP/2.0/UDP extra.example.com"]))
        #expect(failure { _ = try tooMany.via() }?.code == .tooManyVias)
        let fields = (0...limit).map { "Via: SIP/2.0/UDP p\($0).example.com" }
        #expect(failure { _ = try SIPMessage(parsing: request(via: fields)) }?.code == .tooManyVias)
    }
}
