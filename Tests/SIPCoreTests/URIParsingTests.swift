import NIOCore
import SIPCore
import SIPTestSupport
import Testing

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

private func uriFailure(_ text: String, limits: ParserLimits = .default) -> SIPParseError? {
    failure { _ = try AnyURI(parsing: text, limits: limits) }
}

private func sipURI(_ text: String) throws -> SIPURI {
    try SIPURI(parsing: text)
}

/// A request whose Request-URI is `uri`.
private func request(uri: String) -> String {
    SampleMessages.message([
        "OPTIONS \(uri) SIP/2.0",
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
        "To: <sip:bob@biloxi.example.com>",
        "From: <sip:alice@atlanta.example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710",
        "CSeq: 1 OPTIONS",
    ])
}

/// URIs: SIP/SIPS (RFC 3261 §19.1, §25.1), IPv6 references (RFC 5118), tel (RFC 3966),
/// other schemes (RFC 3261 §19, absoluteURI).
@Suite("URI parsing")
struct URIParsingTests {
    // MARK: - Structure

    @Test("the parts of a full SIP URI (RFC 3261 §19.1.1, §19.1.3)")
    func fullURI() throws {
        let text = "sips:alice:secretword@atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1;ttl=15;user=ip;method=INVITE;x-ext=v?subject=project%20x&priority=urgent"
        let uri = try sipURI(text)
        #expect(uri.isSecure)
        #expect(uri.scheme == "sips")
        #expect(uri.user == "alice")
        #expect(uri.password == "secretword")
        #expect(uri.host == "atlanta.example.com")
        #expect(uri.hostKind == .domainName)
        #expect(uri.port == 5061)
        #expect(uri.transport == "tcp")
        #expect(uri.isLooseRouter)
        #expect(uri.maddr == "239.255.255.1")
        #expect(uri.userParameter == "ip")
        #expect(uri.parameters["ttl"]?.value == "15")
        #expect(uri.parameters["method"]?.value == "INVITE")
        #expect(uri.parameters["x-ext"]?.value == "v")
        #expect(uri.parameters.map(\.name.string) == ["transport", "lr", "maddr", "ttl", "user", "method", "x-ext"])
        #expect(uri.hasHeaders)
        #expect(uri.headers.map(\.name.string) == ["subject", "priority"])
        #expect(uri.headers["subject"]?.rawValue == "project%20x")
        #expect(uri.headers["priority"]?.value == "urgent")
        #expect(uri.text == SIPString(text))
        #expect(uri.description == text)
    }

    @Test("the minimal SIP URI has only a host (RFC 3261 §19.1.1)")
    func minimalURI() throws {
        let uri = try sipURI("sip:example.com")
        #expect(!uri.isSecure)
        #expect(uri.user == nil)
        #expect(uri.decodedUser == nil)
        #expect(uri.password == nil)
        #expect(uri.port == nil)
        #expect(uri.parameters.isEmpty)
        #expect(!uri.hasHeaders)
        #expect(uri.transport == nil)
        #expect(!uri.isLooseRouter)
        let any = try AnyURI(parsing: "SIP:example.com")
        #expect(any.scheme == "sip", "RFC 3261 §19.1.4: the scheme is case-insensitive")
        #expect(any.sipURI?.host == "example.com")
    }

    // MARK: - userinfo

    static let users: [(uri: String, user: String, decoded: [UInt8], password: String?, rfc: String)] = [
        ("sip:alice@atlanta.example.com", "alice", Array("alice".utf8), nil, "RFC 3261 §19.1.1"),
        ("sip:%61lice@atlanta.example.com", "%61lice", Array("alice".utf8), nil, "RFC 3261 §19.1.2: escaped characters"),
        ("sip:user%25%34%31@example.com", "user%25%34%31", Array("user%41".utf8), nil, "RFC 4475 §3.1.1.3: unescape once, never twice"),
        ("sip:sips%3Auser%40example.com@example.net", "sips%3Auser%40example.com", Array("sips:user@example.com".utf8), nil, "RFC 4475 §3.1.1.3"),
        ("sip:null-%00-null@example.com", "null-%00-null", Array("null-".utf8) + [0] + Array("-null".utf8), nil, "RFC 4475 §3.1.1.4: %00 is kept, not a terminator"),
        ("sip:%00%00@example.com", "%00%00", [0, 0], nil, "RFC 4475 §3.1.1.4"),
        ("sip:user;par=u%40example.net@example.com", "user;par=u%40example.net", Array("user;par=u@example.net".utf8), nil, "RFC 4475 §3.1.1.9: ';' in the user part"),
        ("sip:+1-212-555-1212:1234@gateway.com;user=phone", "+1-212-555-1212", Array("+1-212-555-1212".utf8), "1234", "RFC 3261 §19.1.3 example"),
        ("sip:alice:secretword@atlanta.com", "alice", Array("alice".utf8), "secretword", "RFC 3261 §19.1.3 example"),
        ("sip:alice:@atlanta.com", "alice", Array("alice".utf8), "", "RFC 3261 §25.1 password = *( ... ): may be empty"),
        ("sip:a!b~c*d'e(f)g&h=i+j$k,l;m?n/o@host.example", "a!b~c*d'e(f)g&h=i+j$k,l;m?n/o", Array("a!b~c*d'e(f)g&h=i+j$k,l;m?n/o".utf8), nil, "RFC 3261 §25.1 unreserved / user-unreserved"),
        ("sip:pw:a&=+$,-_.!~*'()%41@host.example", "pw", Array("pw".utf8), "a&=+$,-_.!~*'()%41", "RFC 3261 §25.1 password characters"),
    ]

    @Test("user and password are kept as written; decodedUser unescapes once", arguments: users)
    func userinfo(_ row: (uri: String, user: String, decoded: [UInt8], password: String?, rfc: String)) throws {
        let uri = try sipURI(row.uri)
        #expect(uri.user == SIPString(row.user), "\(row.rfc)")
        #expect(uri.decodedUser == row.decoded, "\(row.rfc)")
        #expect(uri.password?.string == row.password)
    }

    static let badUserinfo: [(uri: String, rfc: String)] = [
        ("sip:@example.com", "RFC 3261 §25.1 user = 1*( ... ): not empty"),
        ("sip::password@example.com", "RFC 3261 §25.1: empty user before the password"),
        ("sip:al ice@example.com", "RFC 3261 §25.1: SP must be escaped"),
        ("sip:al<ice@example.com", "RFC 3261 §25.1: '<' must be escaped"),
        ("sip:al\"ice@example.com", "RFC 3261 §25.1: DQUOTE must be escaped"),
        ("sip:al#ice@example.com", "RFC 3261 §25.1: '#' must be escaped"),
        ("sip:alice[1]@example.com", "RFC 3261 §25.1: '[' is not allowed in a user part"),
        ("sip:a%4@example.com", "RFC 3261 §25.1 escaped = \"%\" HEXDIG HEXDIG"),
        ("sip:a%GG@example.com", "RFC 3261 §25.1 escaped"),
        ("sip:a%@example.com", "RFC 3261 §25.1 escaped"),
        ("sip:a:b:c@example.com", "RFC 3261 §25.1: ':' is not allowed in a password"),
        ("sip:a:p;w@example.com", "RFC 3261 §25.1: ';' is not allowed in a password"),
        ("sip:a:p%zz@example.com", "RFC 3261 §25.1 escaped in a password"),
        ("sip:a@b@example.com", "RFC 3261 §25.1: '@' must be escaped in a user part"),
        ("sip:ali\u{e9}ce@example.com", "RFC 3261 §25.1: non-ASCII must be escaped"),
    ]

    @Test("bad user parts and passwords are refused", arguments: badUserinfo)
    func badUser(_ row: (uri: String, rfc: String)) {
        #expect(uriFailure(row.uri)?.code == .invalidURI, "\(row.rfc)")
    }

    // MARK: - Hosts

    static let hosts: [(uri: String, host: String, kind: SIPHostKind, rfc: String)] = [
        ("sip:example.com", "example.com", .domainName, "RFC 3261 §25.1 hostname"),
        ("sip:EXAMPLE.COM", "EXAMPLE.COM", .domainName, "RFC 3261 §19.1.4: kept as written"),
        ("sip:example.com.", "example.com.", .domainName, "RFC 3261 §25.1 hostname = *( domainlabel \".\" ) toplabel [ \".\" ]"),
        ("sip:localhost", "localhost", .domainName, "RFC 3261 §25.1: a single toplabel"),
        ("sip:1and1.example.com", "1and1.example.com", .domainName, "RFC 3261 §25.1 domainlabel may start with a digit"),
        ("sip:a-b--c.example.com", "a-b--c.example.com", .domainName, "RFC 3261 §25.1 domainlabel inner '-'"),
        ("sip:x.y-z", "x.y-z", .domainName, "RFC 3261 §25.1 toplabel = ALPHA *( alphanum / \"-\" ) alphanum"),
        ("sip:192.0.2.1", "192.0.2.1", .ipv4, "RFC 3261 §25.1 IPv4address"),
        ("sip:255.255.255.255", "255.255.255.255", .ipv4, "RFC 3261 §25.1: octets up to 255"),
        ("sip:0.0.0.0", "0.0.0.0", .ipv4, "RFC 3261 §25.1"),
        ("sip:alice@[2001:db8::10]", "[2001:db8::10]", .ipv6, "RFC 5118 §4.1"),
        ("sip:[2001:db8::10:5070]", "[2001:db8::10:5070]", .ipv6, "RFC 5118 §4.3: one address, no port"),
        ("sip:[::1]", "[::1]", .ipv6, "RFC 4291 §2.2 loopback"),
        ("sip:[::]", "[::]", .ipv6, "RFC 4291 §2.2 unspecified"),
        ("sip:[1::]", "[1::]", .ipv6, "RFC 4291 §2.2"),
        ("sip:[2001:db8:0:0:0:0:0:1]", "[2001:db8:0:0:0:0:0:1]", .ipv6, "RFC 4291 §2.2 form 1"),
        ("sip:[2001:DB8::ABCD]", "[2001:DB8::ABCD]", .ipv6, "RFC 4291 §2.2: hex in either case"),
        ("sip:[::ffff:192.0.2.1]", "[::ffff:192.0.2.1]", .ipv6, "RFC 5118 §4.9 IPv4-mapped"),
        ("sip:[1:2:3:4:5:6:192.0.2.1]", "[1:2:3:4:5:6:192.0.2.1]", .ipv6, "RFC 4291 §2.2 form 3"),
        ("sip:[2001:db8::192.0.2.1]", "[2001:db8::192.0.2.1]", .ipv6, "RFC 5118 §4.10 correct form"),
        ("sip:[2001:db8:::192.0.2.1]", "[2001:db8:::192.0.2.1]", .ipv6, "RFC 5118 §4.10: the RFC 3261 ABNF three-colon form is tolerated"),
    ]

    @Test("hostnames, IPv4 addresses and IPv6 references", arguments: hosts)
    func host(_ row: (uri: String, host: String, kind: SIPHostKind, rfc: String)) throws {
        let uri = try sipURI(row.uri)
        #expect(uri.host == SIPString(row.host), "\(row.rfc)")
        #expect(uri.hostKind == row.kind)
        #expect(uri.port == nil)
        if row.kind == .ipv6 {
            #expect(uri.hostAddress == SIPString(String(row.host.dropFirst().dropLast())))
        } else {
            #expect(uri.hostAddress == SIPString(row.host))
        }
    }

    static let badHosts: [(uri: String, rfc: String)] = [
        ("sip:256.0.0.1", "RFC 3261 §25.1 IPv4address: octet above 255"),
        ("sip:192.0.2.1000", "RFC 3261 §25.1 1*3DIGIT"),
        ("sip:1.2.3", "RFC 3261 §25.1: three octets is neither IPv4 nor a hostname"),
        ("sip:1.2.3.4.5", "RFC 3261 §25.1"),
        ("sip:1.2.3.4.", "RFC 3261 §25.1: toplabel starts with ALPHA"),
        ("sip:1234", "RFC 3261 §25.1: toplabel starts with ALPHA"),
        ("sip:example.123", "RFC 3261 §25.1: toplabel starts with ALPHA"),
        ("sip:-example.com", "RFC 3261 §25.1 domainlabel starts with alphanum"),
        ("sip:example-.com", "RFC 3261 §25.1 domainlabel ends with alphanum"),
        ("sip:exa..mple.com", "RFC 3261 §25.1: empty label"),
        ("sip:.example.com", "RFC 3261 §25.1: empty label"),
        ("sip:exam_ple.com", "RFC 3261 §25.1: '_' is not allowed in a hostname"),
        ("sip:alice@", "RFC 3261 §25.1 hostport: host is required"),
        ("sip:", "RFC 3261 §25.1"),
        ("sip:" + String(repeating: "a", count: 252) + ".com", "RFC 1035 §2.3.4: names are at most 255 octets"),
        ("sip:2001:db8::10", "RFC 5118 §4.2: an IPv6 address in a URI must be bracketed"),
        ("sip:alice@::1", "RFC 5118 §4.2"),
        ("sip:[2001:db8::10", "RFC 3261 §25.1 IPv6reference: closing ']'"),
        ("sip:[]", "RFC 3261 §25.1 IPv6reference"),
        ("sip:[1:2:3:4:5:6:7:8:9]", "RFC 4291 §2.2: at most eight groups"),
        ("sip:[1:2:3:4:5:6:7]", "RFC 4291 §2.2: seven groups need '::'"),
        ("sip:[2001:db8::1::2]", "RFC 4291 §2.2: '::' at most once"),
        ("sip:[12345::1]", "RFC 4291 §2.2: at most four hex digits per group"),
        ("sip:[g::1]", "RFC 4291 §2.2: hex digits"),
        ("sip:[192.0.2.1]", "RFC 3261 §25.1: IPv4 is not bracketed"),
        ("sip:[::192.0.2.256]", "RFC 3261 §25.1 IPv4address"),
        ("sip:[::1.2.3.4:1]", "RFC 4291 §2.2: the IPv4 part comes last"),
        ("sip:[1:2:3:4:5:6:7:8::]", "RFC 4291 §2.2: '::' stands for at least one group"),
        ("sip:[:1:2:3:4:5:6:7]", "RFC 4291 §2.2, RFC 3261 §25.1 hexpart: no single leading colon"),
        ("sip:[1:2:3:4:5:6:7:]", "RFC 4291 §2.2, RFC 3261 §25.1 hexpart: no single trailing colon"),
        ("sip:[2001:db8:::1]", "RFC 5118 §4.10 tolerates ':::' only before an IPv4 tail (hexpart \"::\" \":\" IPv4address)"),
        ("sip:[:::]", "RFC 4291 §2.2, RFC 3261 §25.1"),
    ]

    @Test("bad hosts are refused", arguments: badHosts)
    func badHost(_ row: (uri: String, rfc: String)) {
        #expect(uriFailure(row.uri)?.code == .invalidURI, "\(row.rfc)")
    }

    // MARK: - Ports

    static let ports: [(uri: String, port: Int, rfc: String)] = [
        ("sip:example.com:5060", 5060, "RFC 3261 §19.1.1"),
        ("sip:example.com:0", 0, "RFC 3261 §25.1 port = 1*DIGIT"),
        ("sip:example.com:65535", 65535, "RFC 3261 §25.1"),
        ("sip:example.com:05060", 5060, "RFC 3261 §25.1 1*DIGIT: leading zeros"),
        ("sip:192.0.2.1:5080", 5080, "RFC 3261 §25.1 hostport"),
        ("sip:[2001:db8::10]:5070", 5070, "RFC 5118 §4.4"),
        ("sip:user@example.com:5061;transport=tls", 5061, "RFC 3261 §19.1.1"),
    ]

    @Test("ports up to 65535", arguments: ports)
    func port(_ row: (uri: String, port: Int, rfc: String)) throws {
        #expect(try sipURI(row.uri).port == row.port, "\(row.rfc)")
    }

    static let badPorts: [(uri: String, rfc: String)] = [
        ("sip:example.com:65536", "RFC 3261 §25.1 port (16 bits)"),
        ("sip:example.com:99999999999999999999999", "RFC 3261 §25.1: no overflow"),
        ("sip:example.com:", "RFC 3261 §25.1: ':' needs a port"),
        ("sip:example.com:abc", "RFC 3261 §25.1 port = 1*DIGIT"),
        ("sip:example.com:-1", "RFC 3261 §25.1"),
        ("sip:example.com:5060:5061", "RFC 3261 §25.1 hostport"),
        ("sip:[2001:db8::10]:", "RFC 5118 §4.4"),
        ("sip:[2001:db8::10]5070", "RFC 5118 §4.4: ':' between reference and port"),
    ]

    @Test("bad ports are refused", arguments: badPorts)
    func badPort(_ row: (uri: String, rfc: String)) {
        #expect(uriFailure(row.uri)?.code == .invalidURI, "\(row.rfc)")
    }

    // MARK: - uri-parameters

    static let parameters: [(uri: String, check: String, rfc: String)] = [
        ("sip:proxy.example.com;lr", "lr", "RFC 3261 §19.1.1 lr-param"),
        ("sip:proxy.example.com;lr=on", "lr", "RFC 3261 §19.1.1: lr=on from older implementations"),
        ("sip:proxy.example.com;LR", "lr", "RFC 3261 §19.1.4: parameter names are case-insensitive"),
        ("sip:h.example.com;transport=TCP", "transport=TCP", "RFC 3261 §19.1.1 transport-param"),
        ("sip:h.example.com;TRANSPORT=tcp", "transport=tcp", "RFC 3261 §19.1.4"),
        ("sip:h.example.com;transport=ws", "transport=ws", "RFC 7118 §5: other-transport = token"),
        ("sip:h.example.com;maddr=239.255.255.1;ttl=15", "maddr=239.255.255.1", "RFC 3261 §19.1.1 maddr-param, ttl-param"),
        ("sip:h.example.com;maddr=[ff02::1]", "maddr=[ff02::1]", "RFC 5118 §4.1"),
        ("sip:h.example.com;user=phone", "user=phone", "RFC 3261 §19.1.1 user-param"),
        ("sip:h.example.com;method=REGISTER", "method=REGISTER", "RFC 3261 §19.1.1 method-param"),
        ("sip:h.example.com;p=%41", "p=%41", "RFC 3261 §25.1 pvalue = 1*paramchar (escaped kept)"),
        ("sip:h.example.com;p=[a]/:&+$", "p=[a]/:&+$", "RFC 3261 §25.1 param-unreserved"),
        ("sip:h.example.com;ttl=0", "ttl=0", "RFC 3261 §25.1 ttl = 1*3DIGIT"),
    ]

    @Test("uri-parameters are read with case-insensitive names", arguments: parameters)
    func uriParameter(_ row: (uri: String, check: String, rfc: String)) throws {
        let uri = try sipURI(row.uri)
        let parts = row.check.split(separator: "=", maxSplits: 1).map(String.init)
        let parameter = try #require(uri.parameters[parts[0]], "\(row.rfc)")
        if parts.count == 2 {
            #expect(parameter.rawValue == SIPString(parts[1]), "\(row.rfc)")
        }
        switch parts[0] {
        case "lr": #expect(uri.isLooseRouter)
        case "transport": #expect(uri.transport == SIPString(parts[1]))
        case "maddr": #expect(uri.maddr == SIPString(parts[1]))
        case "user": #expect(uri.userParameter == SIPString(parts[1]))
        default: break
        }
    }

    static let badParameters: [(uri: String, rfc: String)] = [
        ("sip:h.example.com;", "RFC 3261 §25.1 uri-parameter: a name after ';'"),
        ("sip:h.example.com;;lr", "RFC 3261 §25.1"),
        ("sip:h.example.com;=v", "RFC 3261 §25.1 pname = 1*paramchar"),
        ("sip:h.example.com;p=", "RFC 3261 §25.1 pvalue = 1*paramchar"),
        ("sip:h.example.com;ttl=256", "RFC 3261 §25.1 ttl (0-255)"),
        ("sip:h.example.com;ttl=abc", "RFC 3261 §25.1 ttl = 1*3DIGIT"),
        ("sip:h.example.com;ttl=0016", "RFC 3261 §25.1 ttl = 1*3DIGIT"),
        ("sip:h.example.com;maddr=bad_host", "RFC 3261 §25.1 maddr-param = \"maddr=\" host"),
        ("sip:h.example.com;maddr=999.1.1.1", "RFC 3261 §25.1 IPv4address"),
        ("sip:h.example.com;transport=a/b", "RFC 3261 §25.1 other-transport = token"),
        ("sip:h.example.com;x=%4", "RFC 3261 §25.1 escaped"),
        ("sip:h.example.com;x=a b", "RFC 3261 §25.1: SP must be escaped"),
        ("sip:h.example.com;x=\"q\"", "RFC 3261 §25.1 paramchar: no DQUOTE"),
        ("sip:h.example.com; lr", "RFC 4475 §3.1.2.8: no LWS in a URI"),
    ]

    @Test("bad uri-parameters are refused", arguments: badParameters)
    func badURIParameter(_ row: (uri: String, rfc: String)) {
        #expect(uriFailure(row.uri)?.code == .invalidURI, "\(row.rfc)")
    }

    // MARK: - headers

    static let uriHeaders: [(uri: String, names: [String], rfc: String)] = [
        ("sip:alice@atlanta.com?subject=project%20x&priority=urgent", ["subject", "priority"], "RFC 3261 §19.1.3 example"),
        ("sip:h.example.com?a=", ["a"], "RFC 3261 §25.1 hvalue = *( ... ): may be empty"),
        ("sip:h.example.com;lr?a=b", ["a"], "RFC 3261 §19.1.1: parameters, then headers"),
        ("sip:h.example.com?Route=%3Csip:example.com%3E", ["Route"], "RFC 4475 §3.3.14"),
        ("sip:h.example.com?a=[b]/?:+$", ["a"], "RFC 3261 §25.1 hnv-unreserved"),
    ]

    @Test("?headers outside a Request-URI", arguments: uriHeaders)
    func uriHeader(_ row: (uri: String, names: [String], rfc: String)) throws {
        let uri = try sipURI(row.uri)
        #expect(uri.hasHeaders, "\(row.rfc)")
        #expect(uri.headers.map(\.name.string) == row.names)
    }

    static let badURIHeaders: [(uri: String, rfc: String)] = [
        ("sip:h.example.com?", "RFC 3261 §25.1 headers = \"?\" header *( \"&\" header )"),
        ("sip:h.example.com?a", "RFC 3261 §25.1 header = hname \"=\" hvalue"),
        ("sip:h.example.com?=b", "RFC 3261 §25.1 hname = 1*( ... )"),
        ("sip:h.example.com?a=b&", "RFC 3261 §25.1"),
        ("sip:h.example.com?a=b c", "RFC 3261 §25.1: SP must be escaped"),
        ("sip:h.example.com?a=%zz", "RFC 3261 §25.1 escaped"),
        ("sip:h.example.com?a=b;c=d", "RFC 3261 §25.1: ';' is not in hvalue"),
    ]

    @Test("bad ?headers are refused", arguments: badURIHeaders)
    func badURIHeader(_ row: (uri: String, rfc: String)) {
        #expect(uriFailure(row.uri)?.code == .invalidURI, "\(row.rfc)")
    }

    @Test("a Request-URI may not carry ?headers (RFC 3261 §19.1.1 Table 1; RFC 4475 §3.1.2.11)")
    func headersInRequestURI() throws {
        var message = try SIPMessage(parsing: request(uri: "sip:bob@biloxi.example.com?subject=hi"))
        #expect(message.requestURIText == "sip:bob@biloxi.example.com?subject=hi")
        let error = failure { _ = try message.requestURI() }
        #expect(error?.code == .invalidURI)
        #expect(error?.line == 1)
        #expect(error?.column == 35)  // the '?'
        #expect(error?.detail.hasPrefix("Request-URI:") == true)
        #expect(failure { try message.validate() }?.code == .invalidURI)
    }

    static let badRequestURIs: [(uri: String, rfc: String)] = [
        ("<sip:bob@biloxi.example.com>", "RFC 4475 §3.1.2.7: no <> around the Request-URI"),
        ("sip:2001:db8::10", "RFC 5118 §4.2"),
        ("sip:bob@biloxi.example.com;transport=", "RFC 3261 §25.1"),
        ("sip:%zz@biloxi.example.com", "RFC 3261 §25.1 escaped"),
        ("1sip:bob@biloxi.example.com", "RFC 3261 §25.1 scheme = ALPHA *( ... )"),
    ]

    @Test("the Request-URI is checked by requestURI(), not by the lazy parse", arguments: badRequestURIs)
    func badRequestURI(_ row: (uri: String, rfc: String)) throws {
        var message = try SIPMessage(parsing: request(uri: row.uri))
        let error = failure { _ = try message.requestURI() }
        #expect(error?.code == .invalidURI, "\(row.rfc)")
        #expect(error?.line == 1)
    }

    @Test("the Request-URI may be any scheme (RFC 3261 §8.2.2.1; RFC 4475 §3.3.2, §3.3.3)")
    func requestURISchemes() throws {
        var tel = try SIPMessage(parsing: request(uri: "tel:+1-201-555-0123"))
        #expect(try tel.requestURI()?.scheme == "tel")
        var opaque = try SIPMessage(parsing: request(uri: "nobodyKnowsThisScheme:totallyopaquecontent"))
        #expect(try opaque.requestURI()?.scheme == "nobodyknowsthisscheme")
        var sips = try SIPMessage(parsing: request(uri: "sips:bob@[2001:db8::10]:5061"))
        #expect(try sips.requestURI()?.sipURI?.port == 5061)
        try sips.validate()
    }

    // MARK: - tel

    static let telURIs: [(uri: String, number: String, global: Bool, rfc: String)] = [
        ("tel:+1-201-555-0123", "+1-201-555-0123", true, "RFC 3966 §6 example"),
        ("tel:+1-201-555-0123;ext=1234", "+1-201-555-0123", true, "RFC 3966 §5.2 extension"),
        ("tel:7042;phone-context=example.com", "7042", false, "RFC 3966 §6 example"),
        ("tel:863-1234;phone-context=+1-914-555", "863-1234", false, "RFC 3966 §6 example"),
        ("tel:+1(201)555.0123", "+1(201)555.0123", true, "RFC 3966 §3 visual-separator"),
        ("TEL:+442071234567", "+442071234567", true, "RFC 3966 §3: the scheme is case-insensitive"),
        ("tel:*21#;phone-context=example.com", "*21#", false, "RFC 3966 §3 local-number-digits with '*' and '#'"),
        ("tel:ABC1;phone-context=example.com", "ABC1", false, "RFC 3966 §3 phonedigit-hex"),
    ]

    @Test("tel: URIs (RFC 3966)", arguments: telURIs)
    func telURI(_ row: (uri: String, number: String, global: Bool, rfc: String)) throws {
        guard case .tel(let tel) = try AnyURI(parsing: row.uri) else {
            Issue.record("\(row.uri) is not a tel: URI")
            return
        }
        #expect(tel.number == SIPString(row.number), "\(row.rfc)")
        #expect(tel.isGlobal == row.global)
        #expect(tel.text == SIPString(row.uri))
        #expect(try AnyURI(parsing: row.uri).scheme == "tel")
        #expect(failure { _ = try SIPURI(parsing: row.uri) }?.code == .invalidURI)
    }

    @Test("tel: parameters are read (RFC 3966 §3 par)")
    func telParameters() throws {
        guard case .tel(let tel) = try AnyURI(parsing: "tel:+1-201-555-0123;ext=1234;isub=a1") else {
            Issue.record("not a tel: URI")
            return
        }
        #expect(tel.parameters["ext"]?.value == "1234")
        #expect(tel.parameters["isub"]?.value == "a1")
    }

    static let badTelURIs: [(uri: String, rfc: String)] = [
        ("tel:", "RFC 3966 §3 telephone-subscriber"),
        ("tel:+", "RFC 3966 §3 global-number-digits = \"+\" *phonedigit DIGIT *phonedigit"),
        ("tel:+-()", "RFC 3966 §3: at least one DIGIT"),
        ("tel:+1 201", "RFC 3966 §3: no SP"),
        ("tel:+1a", "RFC 3966 §3: no hex digits in a global number"),
        ("tel:+1;ext=", "RFC 3966 §3 par"),
        ("tel:+1*2", "RFC 3966 §3: no '*' in a global number"),
        ("tel:1234", "RFC 3966 §3 local-number = local-number-digits *par context *par: phone-context is required"),
        ("tel:7042;ext=1", "RFC 3966 §5.1.5: phone-context MUST be present for local numbers"),
    ]

    @Test("bad tel: URIs are refused", arguments: badTelURIs)
    func badTelURI(_ row: (uri: String, rfc: String)) {
        #expect(uriFailure(row.uri)?.code == .invalidURI, "\(row.rfc)")
    }

    // MARK: - Other schemes

    static let opaqueURIs: [(uri: String, scheme: String, rfc: String)] = [
        ("mailto:alice@example.com", "mailto", "RFC 3261 §19 absoluteURI; RFC 6068"),
        ("urn:service:sos", "urn", "RFC 5031 §4"),
        ("http://www.example.com/index.html?x=1#top", "http", "RFC 3261 §20.9 Call-Info style URI"),
        ("isbn:2983792873", "isbn", "RFC 4475 §3.3.4"),
        ("im:alice@example.com", "im", "RFC 3860 §3"),
        ("nobodyKnowsThisScheme:totallyopaquecontent", "nobodyknowsthisscheme", "RFC 4475 §3.3.2"),
        ("soap.beep://192.0.2.103:3002", "soap.beep", "RFC 4475 §3.3.3"),
        ("MAILTO:a@b.example", "mailto", "RFC 3261 §19.1.4: schemes are case-insensitive"),
        ("data:%00%FF", "data", "RFC 3261 §25.1 escaped"),
    ]

    @Test("other schemes are kept opaque", arguments: opaqueURIs)
    func opaqueURI(_ row: (uri: String, scheme: String, rfc: String)) throws {
        let uri = try AnyURI(parsing: row.uri)
        guard case .other(let opaque) = uri else {
            Issue.record("\(row.uri) should be opaque")
            return
        }
        #expect(opaque.scheme == row.scheme, "\(row.rfc)")
        #expect(uri.scheme == row.scheme)
        #expect(uri.text == SIPString(row.uri))
        #expect(uri.sipURI == nil)
    }

    static let badURIs: [(uri: String, rfc: String)] = [
        ("", "RFC 3261 §25.1: empty"),
        ("mailto:", "RFC 3261 §25.1 absoluteURI: something after the scheme"),
        ("mailto:a b", "RFC 3261 §25.1: SP must be escaped"),
        ("mailto:<a@b>", "RFC 3261 §25.1: '<' must be escaped"),
        ("mailto:a\"b", "RFC 3261 §25.1: DQUOTE must be escaped"),
        ("mailto:a%4", "RFC 3261 §25.1 escaped"),
        ("1abc:x", "RFC 3261 §25.1 scheme = ALPHA *( ALPHA / DIGIT / \"+\" / \"-\" / \".\" )"),
        ("a_b:x", "RFC 3261 §25.1 scheme"),
        ("abc", "RFC 3261 §25.1: scheme \":\""),
        (":x", "RFC 3261 §25.1: scheme first"),
        ("sip:alice@atlanta.example.com extra", "RFC 3261 §25.1: no SP in a URI"),
        ("sip:<alice@atlanta.example.com>", "RFC 3261 §25.1"),
        ("sip:alice@atlanta.example.com>", "RFC 3261 §25.1"),
        ("sip:alice@atlanta.example.com\u{0}", "RFC 3261 §25.1: NUL must be escaped"),
    ]

    @Test("malformed URIs are refused", arguments: badURIs)
    func badURI(_ row: (uri: String, rfc: String)) {
        #expect(uriFailure(row.uri)?.code == .invalidURI, "\(row.rfc)")
    }

    @Test("SIPURI(parsing:) refuses other schemes")
    func sipURIRefusesOtherSchemes() {
        #expect(failure { _ = try SIPURI(parsing: "mailto:a@b.example") }?.code == .invalidURI)
        #expect(failure { _ = try SIPURI(parsing: "tel:+1") }?.code == .invalidURI)
    }

    // MARK: - Length

    @Test("a URI of maxURILength bytes is accepted, one more is refused")
    func uriLengthLimit() throws {
        let limits = ParserLimits(maxURILength: 64)
        let fits = "sip:" + String(repeating: "u", count: 64 - 16) + "@example.com"
        #expect(fits.utf8.count == 64)
        #expect(try AnyURI(parsing: fits, limits: limits).sipURI?.user?.count == 48)
        let tooLong = "sip:" + String(repeating: "u", count: 64 - 15) + "@example.com"
        #expect(uriFailure(tooLong, limits: limits)?.code == .uriTooLong)
        #expect(uriFailure(tooLong, limits: limits)?.code.suggestedStatus == 513)
        // Default limit.
        let huge = "sip:" + String(repeating: "u", count: ParserLimits.default.maxURILength) + "@example.com"
        #expect(uriFailure(huge)?.code == .uriTooLong)
    }

    @Test("a URI in a header longer than maxURILength is refused (From, RFC 3261 §20.20)")
    func headerURILength() throws {
        let limits = ParserLimits(maxURILength: 64)
        let uri = "sip:" + String(repeating: "u", count: 100) + "@example.com"
        var message = try SIPMessage(
            parsing: SampleMessages.message([
                "OPTIONS sip:bob@biloxi.example.com SIP/2.0",
                "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
                "To: <sip:bob@biloxi.example.com>",
                "From: <\(uri)>;tag=1",
                "Call-ID: a84b4c76e66710",
                "CSeq: 1 OPTIONS",
            ]), limits: limits)
        let error = failure { _ = try message.from() }
        #expect(error?.code == .uriTooLong)
        #expect(error?.line == 4)
    }
}
