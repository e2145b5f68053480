import NIOCore
import SIPCore
import SIPTestSupport
import Testing

/// A REGISTER with the given To line, From value and extra lines (To is on line 3, From on
/// line 4, the extra lines from line 7).
private func request(
    to: String? = "To: <sip:alice@atlanta.example.com>",
    from: String? = "<sip:alice@atlanta.example.com>;tag=1928301774",
    extra: [String] = []
) -> String {
    var lines = [
        "REGISTER sip:registrar.example.com SIP/2.0",
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
    ]
    if let to { lines.append(to) }
    if let from { lines.append("From: \(from)") }
    lines += ["Call-ID: a84b4c76e66710", "CSeq: 1 REGISTER"]
    return SampleMessages.message(lines + extra)
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

private func from(_ value: String) throws -> SIPNameAddress {
    var message = try SIPMessage(parsing: request(from: value))
    return try message.from()
}

private func fromFailure(_ value: String) -> SIPParseError? {
    failure {
        var message = try SIPMessage(parsing: request(from: value))
        _ = try message.from()
    }
}

private func contacts(_ lines: [String]) throws -> SIPContactList {
    var message = try SIPMessage(parsing: request(extra: lines))
    return try message.contacts()
}

private func contactFailure(_ lines: [String]) -> SIPParseError? {
    failure {
        var message = try SIPMessage(parsing: request(extra: lines))
        _ = try message.contacts()
    }
}

/// name-addr and addr-spec in From, To, Contact, Route and Record-Route
/// (RFC 3261 §20.10, §20.20, §20.30, §20.34, §20.39, §25.1).
@Suite("Name-addr parsing")
struct NameAddressParsingTests {
    // MARK: - Display names

    static let displayNames: [(value: String, raw: String?, name: String?, rfc: String)] = [
        ("\"Alice Liddell\" <sip:alice@atlanta.example.com>", "\"Alice Liddell\"", "Alice Liddell", "RFC 3261 §25.1 display-name = quoted-string"),
        ("\"\" <sip:alice@atlanta.example.com>", "\"\"", "", "RFC 3261 §25.1: an empty quoted-string"),
        ("\"A \\\"quoted\\\" \\\\ name\" <sip:alice@atlanta.example.com>", "\"A \\\"quoted\\\" \\\\ name\"", "A \"quoted\" \\ name", "RFC 3261 §25.1 quoted-pair"),
        ("\"Zoë ✓\" <sip:alice@atlanta.example.com>", "\"Zoë ✓\"", "Zoë ✓", "RFC 3261 §25.1 qdtext UTF8-NONASCII"),
        ("\"a,b;c<d>\" <sip:alice@atlanta.example.com>", "\"a,b;c<d>\"", "a,b;c<d>", "RFC 3261 §25.1: separators inside quotes are text"),
        ("\"tab\there\" <sip:alice@atlanta.example.com>", "\"tab\there\"", "tab\there", "RFC 3261 §25.1 qdtext = LWS / ..."),
        ("\"Alice\"<sip:alice@atlanta.example.com>", "\"Alice\"", "Alice", "RFC 3261 §25.1 LAQUOT = SWS \"<\": no space needed after a quoted-string"),
        ("Alice <sip:alice@atlanta.example.com>", "Alice", "Alice", "RFC 3261 §25.1 display-name = *(token LWS)"),
        ("Alice  Liddell\t<sip:alice@atlanta.example.com>", "Alice  Liddell", "Alice  Liddell", "RFC 3261 §25.1: several tokens"),
        ("caller<sip:alice@atlanta.example.com>", "caller", "caller", "RFC 4475 §3.1.1.6: token directly before '<'"),
        ("A.B-C!%*_+`'~ <sip:alice@atlanta.example.com>", "A.B-C!%*_+`'~", "A.B-C!%*_+`'~", "RFC 3261 §25.1 token characters"),
        ("<sip:alice@atlanta.example.com>", nil, nil, "RFC 3261 §25.1: the display name is optional"),
        ("  <sip:alice@atlanta.example.com>  ", nil, nil, "RFC 3261 §7.3.1: surrounding whitespace"),
    ]

    @Test("quoted and token display names", arguments: displayNames)
    func displayName(_ row: (value: String, raw: String?, name: String?, rfc: String)) throws {
        let address = try from(row.value + ";tag=x")
        #expect(address.rawDisplayName?.string == row.raw, "\(row.rfc)")
        #expect(address.displayName == row.name, "\(row.rfc)")
        #expect(address.isBracketed)
        #expect(address.uri.sipURI?.user == "alice")
        #expect(address.tag == "x")
    }

    static let badDisplayNames: [(value: String, rfc: String)] = [
        ("\"Alice <sip:alice@atlanta.example.com>", "RFC 3261 §25.1: unterminated quoted-string; RFC 4475 §3.1.2.6"),
        ("Alice, Liddell <sip:alice@atlanta.example.com>", "RFC 4475 §3.1.2.15: ',' in an unquoted display name"),
        ("Alice@home <sip:alice@atlanta.example.com>", "RFC 3261 §25.1: '@' is not a token character"),
        ("\"Alice\" sip:alice@atlanta.example.com", "RFC 3261 §25.1: a display name requires <>"),
        ("\"Alice\" \"Liddell\" <sip:alice@atlanta.example.com>", "RFC 3261 §25.1: one quoted-string"),
        ("Dr. \"Alice\" <sip:alice@atlanta.example.com>", "RFC 3261 §25.1: tokens or a quoted-string, not both"),
        ("Alice", "RFC 3261 §25.1: an address is required"),
        ("\"bad\u{1}char\" <sip:alice@atlanta.example.com>", "RFC 3261 §25.1 qdtext excludes control characters"),
        ("\"bad\\\u{80}escape\" <sip:alice@atlanta.example.com>", "RFC 3261 §25.1 quoted-pair = \"\\\" (%x00-09 / %x0B-0C / %x0E-7F)"),
    ]

    @Test("bad display names are refused", arguments: badDisplayNames)
    func badDisplayName(_ row: (value: String, rfc: String)) {
        let error = fromFailure(row.value)
        #expect(error?.code == .malformedHeader, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 4)
    }

    // MARK: - name-addr vs addr-spec

    static let addresses: [(value: String, bracketed: Bool, uriParams: [String], headerParams: [String], tag: String?, rfc: String)] = [
        ("sip:alice@atlanta.example.com;tag=88sja8x", false, [], ["tag"], "88sja8x", "RFC 3261 §20.10: in an addr-spec, ;params belong to the header"),
        ("sip:alice@atlanta.example.com ; tag = 88sja8x", false, [], ["tag"], "88sja8x", "RFC 3261 §25.1 SEMI/EQUAL with SWS"),
        ("<sip:alice@atlanta.example.com;transport=tcp>;tag=88sja8x", true, ["transport"], ["tag"], "88sja8x", "RFC 3261 §20.10: inside <> they belong to the URI"),
        ("<sip:alice@atlanta.example.com;tag=inner>", true, ["tag"], [], nil, "RFC 3261 §20.20: a URI parameter is not the From tag"),
        ("<sip:alice@atlanta.example.com>;TAG=upper;x=y;flag", true, [], ["TAG", "x", "flag"], "upper", "RFC 3261 §7.3.1: parameter names are case-insensitive"),
        ("<sip:alice@atlanta.example.com?subject=hi>;tag=1", true, [], ["tag"], "1", "RFC 3261 §19.1.1: headers allowed inside <>"),
        ("sip:alice@atlanta.example.com", false, [], [], nil, "RFC 3261 §8.1.1.3: an RFC 2543 From without tag"),
        ("<tel:+1-201-555-0123>;tag=t", true, [], ["tag"], "t", "RFC 3261 §20.20 with a tel URI (RFC 3966)"),
        ("sips:alice@atlanta.example.com;tag=s", false, [], ["tag"], "s", "RFC 3261 §20.10 addr-spec with sips"),
        ("<sip:alice@atlanta.example.com>;tag=a-b.c!d%e*f_g+h`i'j~k", true, [], ["tag"], "a-b.c!d%e*f_g+h`i'j~k", "RFC 3261 §25.1 tag-param = \"tag\" EQUAL token"),
    ]

    @Test("addr-spec parameters belong to the header; <> parameters to the URI", arguments: addresses)
    func address(_ row: (value: String, bracketed: Bool, uriParams: [String], headerParams: [String], tag: String?, rfc: String)) throws {
        let address = try from(row.value)
        #expect(address.isBracketed == row.bracketed, "\(row.rfc)")
        #expect(address.tag?.string == row.tag, "\(row.rfc)")
        #expect(address.parameters.map(\.name.string) == row.headerParams, "\(row.rfc)")
        if let sip = address.uri.sipURI {
            #expect(sip.parameters.map(\.name.string) == row.uriParams, "\(row.rfc)")
            #expect(sip.host == "atlanta.example.com")
        }
    }

    static let badAddresses: [(value: String, rfc: String)] = [
        ("<sip:alice@atlanta.example.com", "RFC 3261 §25.1 RAQUOT"),
        ("< sip:alice@atlanta.example.com>", "RFC 4475 §3.1.2.14: no whitespace inside <>"),
        ("<sip:alice@atlanta.example.com >", "RFC 4475 §3.1.2.14"),
        ("<sip:alice@atlanta.example.com> junk", "RFC 3261 §20.20: only parameters after the address"),
        ("<sip:alice@atlanta.example.com>;tag=1;tag=2", "RFC 3261 §19.3: one tag"),
        ("<sip:alice@atlanta.example.com>;tag", "RFC 3261 §25.1 tag-param = \"tag\" EQUAL token"),
        ("<sip:alice@atlanta.example.com>;tag=\"quoted\"", "RFC 3261 §25.1: tag is a token"),
        ("<sip:alice@atlanta.example.com>;tag=a@b", "RFC 3261 §25.1: tag is a token"),
        ("<sip:alice@atlanta.example.com>;", "RFC 3261 §25.1 SEMI generic-param"),
        ("<sip:alice@atlanta.example.com>, <sip:bob@biloxi.example.com>", "RFC 3261 §20.20: From holds one address"),
        ("sip:alice@atlanta.example.com,sip:bob@biloxi.example.com", "RFC 3261 §20.20"),
        ("", "RFC 3261 §20.20: From is not empty"),
    ]

    @Test("malformed From values are refused as malformed headers", arguments: badAddresses)
    func badAddress(_ row: (value: String, rfc: String)) {
        let error = fromFailure(row.value)
        #expect(error?.code == .malformedHeader, "\(row.rfc): \(String(describing: error))")
        #expect(error?.detail.hasPrefix("From:") == true)
    }

    static let badAddressURIs: [(value: String, rfc: String)] = [
        ("sip:alice@atlanta.example.com?subject=hi", "RFC 3261 §20.10: an addr-spec with ?headers needs <>; RFC 4475 §3.1.2.13"),
        ("<sip:alice@@atlanta.example.com>", "RFC 3261 §25.1"),
        ("<sip:alice@atlanta.example.com:99999>", "RFC 3261 §25.1 port"),
        ("<sip:2001:db8::1>", "RFC 5118 §4.2"),
        ("<>", "RFC 3261 §25.1: an empty URI"),
    ]

    @Test("a bad URI in From is an invalid URI", arguments: badAddressURIs)
    func badAddressURI(_ row: (value: String, rfc: String)) {
        let error = fromFailure(row.value)
        #expect(error?.code == .invalidURI, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 4)
    }

    @Test("To is parsed like From (RFC 3261 §20.39)")
    func toHeader() throws {
        var message = try SIPMessage(parsing: request(to: "t: \"Bob\" <sips:bob@biloxi.example.com> ;tag=a6c85cf"))
        let to = try message.to()
        #expect(to.displayName == "Bob")
        #expect(to.tag == "a6c85cf")
        #expect(to.uri.scheme == "sips")
        #expect(to.text == "\"Bob\" <sips:bob@biloxi.example.com> ;tag=a6c85cf")
    }

    // MARK: - Missing and repeated

    @Test("a missing From is a missing header; two are a duplicate (RFC 3261 §8.1.1, §7.3.1)")
    func missingAndDuplicateFrom() throws {
        let missing = failure {
            var message = try SIPMessage(parsing: request(from: nil))
            _ = try message.from()
        }
        #expect(missing?.code == .missingHeader)
        #expect(missing?.detail.contains("From") == true)
        for second in ["From: <sip:eve@evil.example.com>;tag=2", "f: <sip:eve@evil.example.com>;tag=2", "FROM: <sip:eve@evil.example.com>;tag=2"] {
            let duplicate = failure {
                var message = try SIPMessage(parsing: request(extra: [second]))
                _ = try message.from()
            }
            #expect(duplicate?.code == .duplicateHeader, "\(second)")
            #expect(duplicate?.line == 7, "the second From is on line 7")
            #expect(duplicate?.column == 1)
        }
        let noTo = failure {
            var message = try SIPMessage(parsing: request(to: nil))
            _ = try message.to()
        }
        #expect(noTo?.code == .missingHeader)
        let twoTo = failure {
            var message = try SIPMessage(parsing: request(extra: ["t: <sip:x@y.example>"]))
            _ = try message.to()
        }
        #expect(twoTo?.code == .duplicateHeader)
    }

    // MARK: - Contact

    @Test("several Contact values, on one line and across lines, in order (RFC 3261 §20.10)")
    func contactList() throws {
        let list = try contacts([
            "Contact: \"Mr. Watson\" <sip:watson@worcester.example.com>;q=0.7;expires=3600, \"Mr. Watson\" <mailto:watson@bell-telephone.example.com> ;q=0.1",
            "m: sip:watson@192.0.2.7;expires=60",
            "Contact: <sips:watson@[2001:db8::7]:5061;transport=tls>",
        ])
        #expect(!list.isWildcard)
        let values = list.contacts
        #expect(values.count == 4)
        #expect(values.map(\.uri.scheme) == ["sip", "mailto", "sip", "sips"])
        #expect(values.map(\.qThousandths) == [700, 100, nil, nil])
        #expect(values.map(\.expires) == [3600, nil, 60, nil])
        #expect(values[0].address.displayName == "Mr. Watson")
        #expect(values[0].q == 0.7)
        #expect(values[2].address.isBracketed == false)
        #expect(values[2].uri.sipURI?.parameters.isEmpty == true, "RFC 3261 §20.10: ;expires of an addr-spec is a header parameter")
        #expect(values[2].parameters["expires"]?.value == "60")
        #expect(values[3].uri.sipURI?.transport == "tls")
        #expect(values[3].uri.sipURI?.hostKind == .ipv6)
    }

    @Test("no Contact header: an empty list, not a wildcard")
    func noContact() throws {
        let list = try contacts([])
        #expect(!list.isWildcard)
        #expect(list.contacts.isEmpty)
    }

    static let wildcards: [(lines: [String], ok: Bool, rfc: String)] = [
        (["Contact: *"], true, "RFC 3261 §10.2.2, §20.10 STAR"),
        (["Contact:   *  "], true, "RFC 3261 §25.1 STAR = SWS \"*\" SWS"),
        (["m: *"], true, "RFC 3261 §7.3.3"),
        (["Contact: *, <sip:a@b.example.com>"], false, "RFC 3261 §10.3 step 6: '*' must be the only value"),
        (["Contact: <sip:a@b.example.com>, *"], false, "RFC 3261 §20.10: '*' is not a contact-param"),
        (["Contact: *", "Contact: <sip:a@b.example.com>"], false, "RFC 3261 §10.3 step 6: '*' alone"),
        (["Contact: <sip:a@b.example.com>", "Contact: *"], false, "RFC 3261 §10.3 step 6"),
        (["Contact: *", "Contact: *"], false, "RFC 3261 §10.3 step 6"),
        (["Contact: *;expires=0"], false, "RFC 3261 §20.10: STAR takes no parameters"),
        (["Contact: **"], false, "RFC 3261 §20.10"),
    ]

    @Test("Contact: * is accepted only alone", arguments: wildcards)
    func wildcard(_ row: (lines: [String], ok: Bool, rfc: String)) throws {
        if row.ok {
            let list = try contacts(row.lines)
            #expect(list.isWildcard, "\(row.rfc)")
            #expect(list.contacts.isEmpty)
        } else {
            #expect(contactFailure(row.lines)?.code == .malformedHeader, "\(row.rfc)")
        }
    }

    @Test("a token display name may start with '*' (RFC 3261 §25.1: '*' is a token character)")
    func starDisplayName() throws {
        let list = try contacts(["Contact: *Bob <sip:bob@biloxi.example.com>"])
        #expect(!list.isWildcard)
        #expect(list.contacts.first?.address.displayName == "*Bob")
    }

    static let expiresValues: [(value: String, expires: UInt32?, code: SIPParseError.Code?, rfc: String)] = [
        ("0", 0, nil, "RFC 3261 §10.2.2: 0 removes the binding"),
        ("3600", 3600, nil, "RFC 3261 §20.10 c-p-expires = \"expires\" EQUAL delta-seconds"),
        ("4294967295", UInt32.max, nil, "RFC 3261 §20.19: up to 2^32-1"),
        ("000120", 120, nil, "RFC 3261 §25.1 delta-seconds = 1*DIGIT"),
        ("4294967296", nil, .valueOutOfRange, "RFC 4475 §3.1.2.4: larger than 2^32-1"),
        ("99999999999999999999999", nil, .valueOutOfRange, "RFC 4475 §3.1.2.4"),
        ("abc", nil, .malformedHeader, "RFC 3261 §25.1 delta-seconds"),
        ("-1", nil, .malformedHeader, "RFC 3261 §25.1"),
        ("60s", nil, .malformedHeader, "RFC 3261 §25.1"),
        ("\"60\"", nil, .malformedHeader, "RFC 3261 §20.10: not a quoted-string"),
    ]

    @Test("Contact expires is a delta-seconds up to 2^32-1", arguments: expiresValues)
    func contactExpires(_ row: (value: String, expires: UInt32?, code: SIPParseError.Code?, rfc: String)) throws {
        let lines = ["Contact: <sip:alice@192.0.2.4>;expires=\(row.value)"]
        if let code = row.code {
            #expect(contactFailure(lines)?.code == code, "\(row.rfc)")
        } else {
            #expect(try contacts(lines).contacts.first?.expires == row.expires, "\(row.rfc)")
        }
    }

    static let qValues: [(value: String, thousandths: Int?, rfc: String)] = [
        ("0", 0, "RFC 3261 §25.1 qvalue = ( \"0\" [ \".\" 0*3DIGIT ] ) / ( \"1\" [ \".\" 0*3(\"0\") ] )"),
        ("0.", 0, "RFC 3261 §25.1 0*3DIGIT may be empty"),
        ("0.5", 500, "RFC 3261 §25.1"),
        ("0.05", 50, "RFC 3261 §25.1"),
        ("0.001", 1, "RFC 3261 §25.1"),
        ("0.999", 999, "RFC 3261 §25.1"),
        ("1", 1000, "RFC 3261 §25.1"),
        ("1.", 1000, "RFC 3261 §25.1"),
        ("1.0", 1000, "RFC 3261 §25.1"),
        ("1.000", 1000, "RFC 3261 §25.1"),
        ("1.001", nil, "RFC 3261 §25.1: above 1"),
        ("1.5", nil, "RFC 3261 §25.1"),
        ("2", nil, "RFC 3261 §25.1"),
        ("0.1234", nil, "RFC 3261 §25.1: at most three decimals"),
        (".5", nil, "RFC 3261 §25.1: leading digit required"),
        ("-0.5", nil, "RFC 3261 §25.1"),
        ("00.5", nil, "RFC 3261 §25.1"),
        ("01", nil, "RFC 3261 §25.1"),
        ("0.a", nil, "RFC 3261 §25.1"),
        ("1.0000", nil, "RFC 3261 §25.1: at most three zeros"),
        ("\"0.5\"", nil, "RFC 3261 §25.1: not a quoted-string"),
    ]

    @Test("q follows the qvalue grammar and is exact in thousandths", arguments: qValues)
    func qValue(_ row: (value: String, thousandths: Int?, rfc: String)) throws {
        let lines = ["Contact: <sip:alice@192.0.2.4>;q=\(row.value)"]
        if let thousandths = row.thousandths {
            let contact = try #require(try contacts(lines).contacts.first)
            #expect(contact.qThousandths == thousandths, "\(row.rfc)")
            #expect(contact.q == Double(thousandths) / 1000)
        } else {
            #expect(contactFailure(lines)?.code == .malformedHeader, "\(row.rfc)")
        }
    }

    static let badContactParameters: [(value: String, rfc: String)] = [
        ("<sip:a@192.0.2.4>;q=0.5;q=0.7", "RFC 3261 §20.10: one q"),
        ("<sip:a@192.0.2.4>;expires=1;EXPIRES=2", "RFC 3261 §20.10: one expires"),
        ("<sip:a@192.0.2.4>;q", "RFC 3261 §25.1 c-p-q = \"q\" EQUAL qvalue"),
        ("<sip:a@192.0.2.4>;expires", "RFC 3261 §25.1 c-p-expires"),
        ("<sip:a@192.0.2.4>,,<sip:b@192.0.2.5>", "RFC 4475 §3.1.2.1: empty element"),
        ("<sip:a@192.0.2.4>,", "RFC 3261 §7.3.1: trailing comma"),
        ("", "RFC 3261 §20.10: an empty Contact"),
    ]

    @Test("bad Contact parameters and lists are refused", arguments: badContactParameters)
    func badContactParameter(_ row: (value: String, rfc: String)) {
        let error = contactFailure(["Contact: \(row.value)"])
        #expect(error?.code == .malformedHeader, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 7)
    }

    // MARK: - Route and Record-Route

    @Test("Route and Record-Route values, top first, across lines (RFC 3261 §20.30, §20.34)")
    func routeSets() throws {
        var message = try SIPMessage(
            parsing: request(extra: [
                "Route: <sip:p1.example.com;lr>, Proxy Two <sip:p2.example.com;lr>;x=y",
                "Route: <sip:[2001:db8::3];lr>",
                "Record-Route: <sip:rr1.example.com;lr>",
                "Record-Route: <sips:rr2.example.com;lr;transport=tls>,<sip:rr3.example.com>",
            ]))
        let routes = try message.routes()
        #expect(routes.map { $0.uri.sipURI?.host.string } == ["p1.example.com", "p2.example.com", "[2001:db8::3]"])
        #expect(routes.allSatisfy { $0.uri.sipURI?.isLooseRouter == true })
        #expect(routes[1].displayName == "Proxy Two")
        #expect(routes[1].parameters["x"]?.value == "y")
        let recordRoutes = try message.recordRoutes()
        #expect(recordRoutes.map { $0.uri.sipURI?.host.string } == ["rr1.example.com", "rr2.example.com", "rr3.example.com"])
        #expect(recordRoutes[1].uri.sipURI?.transport == "tls")
        #expect(recordRoutes[2].uri.sipURI?.isLooseRouter == false)
        try message.validate()
    }

    static let badRoutes: [(line: String, rfc: String)] = [
        ("Route: sip:p1.example.com;lr", "RFC 3261 §20.34 route-param = name-addr: <> required"),
        ("Route: <sip:p1.example.com;lr>, sip:p2.example.com", "RFC 3261 §20.34"),
        ("Record-Route: sip:rr.example.com", "RFC 3261 §20.30 rec-route = name-addr"),
        ("Route: <sip:p1.example.com;lr>,,<sip:p2.example.com>", "RFC 4475 §3.1.2.1"),
        ("Route:", "RFC 3261 §20.34: 1#route-param"),
        ("Route: <sip:p1.example.com;lr", "RFC 3261 §25.1 RAQUOT"),
    ]

    @Test("Route and Record-Route values must be name-addrs", arguments: badRoutes)
    func badRoute(_ row: (line: String, rfc: String)) {
        let error = failure {
            var message = try SIPMessage(parsing: request(extra: [row.line]))
            if row.line.hasPrefix("Route") { _ = try message.routes() } else { _ = try message.recordRoutes() }
        }
        #expect(error?.code == .malformedHeader, "\(row.rfc): \(String(describing: error))")
        #expect(error?.line == 7)
    }
}
