@testable import Guard
import SIPCore
import SIPTestSupport
import Testing

/// Scanner recognition, tested on packets captured from the real tools
/// (Tests/Fixtures/scanners/README.md says how each was produced).
@Suite("Scanner fingerprints")
struct ScannerFingerprintTests {
    let fingerprints = ScannerFingerprints()

    // MARK: Real attack packets

    struct AttackCase: Sendable, CustomStringConvertible {
        let file: String
        /// Every rule expected to match, in evaluation order, from an unknown source on a
        /// switch with no users.
        let rules: [ScannerRule]
        var description: String { file }
    }

    static let attacks: [AttackCase] = [
        // svmap: OPTIONS sip:100@IP, From "sipvicious"<sip:100@1.1.1.1>, tag createTag(ip+port).
        AttackCase(file: "svmap-options.sip", rules: [.userAgent, .sipviciousFrom, .sipviciousTag, .sipviciousBranch, .bareIPUnknownUser]),
        AttackCase(file: "svmap-options-liar.sip", rules: [.sipviciousFrom, .sipviciousTag, .sipviciousBranch, .bareIPUnknownUser]),
        // svwar -m REGISTER: tag createTag(extension); REGISTER is not a bare-IP probe.
        AttackCase(file: "svwar-register.sip", rules: [.userAgent, .sipviciousTag, .sipviciousBranch]),
        AttackCase(file: "svwar-register-liar.sip", rules: [.sipviciousTag, .sipviciousBranch]),
        // svwar -m INVITE: its SDP says s=svwar; INVITE sip:1001@127.0.0.1.
        AttackCase(file: "svwar-invite.sip", rules: [.userAgent, .sipviciousTag, .sipviciousBranch, .sdpTool, .bareIPUnknownUser]),
        AttackCase(file: "svwar-invite-liar.sip", rules: [.sipviciousTag, .sipviciousBranch, .sdpTool, .bareIPUnknownUser]),
        // The ACK svwar sends for the 486: the same tag; an ACK is never a contextual match.
        AttackCase(file: "svwar-ack.sip", rules: [.userAgent, .sipviciousTag, .sipviciousBranch]),
        // svcrack: first REGISTER with the fixed tag 3206210844, then createTag("user:password").
        AttackCase(file: "svcrack-register.sip", rules: [.userAgent, .sipviciousTag, .sipviciousBranch]),
        AttackCase(file: "svcrack-register-liar.sip", rules: [.sipviciousTag, .sipviciousBranch]),
        AttackCase(file: "svcrack-register-auth.sip", rules: [.userAgent, .sipviciousTag, .sipviciousBranch]),
        AttackCase(file: "svcrack-register-auth-liar.sip", rules: [.sipviciousTag, .sipviciousBranch]),
        // svhelper.makeRequest's defaults: Contact sip:123@1.1.1.1, no tag; Request-URI without user.
        AttackCase(file: "svhelper-default-contact-liar.sip", rules: [.sipviciousContact, .sipviciousBranch]),
        // sipsak -s sip:100@127.0.0.1:9069
        AttackCase(file: "sipsak-options.sip", rules: [.userAgent, .bareIPUnknownUser]),
        // "John Doe" <sip:4000@...> calling 0033147310370, sent by SIPp.
        AttackCase(file: "sipp-john-doe-invite.sip", rules: [.internationalFromUnknown, .bareIPUnknownUser]),
    ]

    @Test("every captured tool packet matches, with the expected rules", arguments: attacks)
    func attackPacketMatches(_ row: AttackCase) throws {
        let message = try ScannerFixture.message(row.file)
        #expect(fingerprints.ruleIDs(message, .unknownSource) == row.rules.map(\.rawValue))
        #expect(fingerprints.first(message, .unknownSource)?.rule == row.rules.first?.rawValue)
    }

    @Test("tool fingerprints hold from a known source, contextual rules do not", arguments: attacks)
    func knownSourceKeepsToolFingerprints(_ row: AttackCase) throws {
        let message = try ScannerFixture.message(row.file)
        let expected = row.rules.filter { !$0.isContextual }.map(\.rawValue)
        #expect(fingerprints.ruleIDs(message, .knownSource) == expected)
    }

    @Test("a scanner that rewrites its User-Agent is still caught by structure", arguments: [
        "svmap-options-liar.sip", "svwar-register-liar.sip", "svwar-invite-liar.sip",
        "svcrack-register-liar.sip", "svcrack-register-auth-liar.sip", "svhelper-default-contact-liar.sip",
    ])
    func liarsAreCaught(_ file: String) throws {
        let message = try ScannerFixture.message(file)
        #expect(message.userAgent == "Linphone/5.0")
        let match = try #require(fingerprints.first(message, .knownSource))
        #expect(match.rule != ScannerRule.userAgent.rawValue)
    }

    @Test("details say what matched")
    func details() throws {
        let svmap = try ScannerFixture.message("svmap-options.sip")
        let all = { (file: String) throws -> [String: String] in
            var message = try ScannerFixture.message(file)
            return Dictionary(uniqueKeysWithValues: fingerprints.matches(&message, context: .unknownSource).map { ($0.rule, $0.detail) })
        }
        #expect(fingerprints.first(svmap, .unknownSource)?.detail == "User-Agent \"friendly-scanner\" contains \"friendly-scanner\"")
        let svmapDetails = try all("svmap-options.sip")
        #expect(svmapDetails["sipvicious-from"] == "From display name \"sipvicious\"")
        // createTag('%02x' * 4 of 127.0.0.1 + '%04x' of the port 35061)
        #expect(svmapDetails["sipvicious-tag"] == "From tag is svhelper.createTag(\"7f00000188f5\")")
        #expect(try all("svcrack-register-auth.sip")["sipvicious-tag"] == "From tag is svhelper.createTag(\"1000:password\")")
        #expect(try all("svcrack-register.sip")["sipvicious-tag"] == "From tag 3206210844 (svcrack's fixed tag)")
        #expect(try all("svwar-invite.sip")["sdp-tool"] == "SDP session name s=svwar")
        #expect(try all("svhelper-default-contact-liar.sip")["sipvicious-contact"] == "Contact sip:123@1.1.1.1 (svhelper's default)")
        #expect(try all("sipp-john-doe-invite.sip")["international-from-unknown"]?.hasPrefix("INVITE for 0033147310370 from \"John Doe\"") == true)
    }

    // MARK: Legitimate clients

    static let legitimate = [
        "legit-sipp-invite.sip", "legit-sipp-register.sip", "legit-sipp-register-auth.sip",
        "legit-baresip-register.sip", "legit-baresip-register-auth.sip", "legit-baresip-invite.sip",
        "legit-baresip-ack.sip",
    ]

    /// The users those clients address: SIPp's uac calls `service`, the others are 1001/1002.
    static let ourUsers: Set<String> = ["1001", "1002", "service"]

    @Test("legitimate clients never match", arguments: legitimate)
    func legitimateClientsDoNotMatch(_ file: String) throws {
        let message = try ScannerFixture.message(file)
        #expect(fingerprints.ruleIDs(message, .knownSource) == [])
        #expect(fingerprints.ruleIDs(message, .unknownSource(users: Self.ourUsers)) == [])
    }

    @Test("typical phone messages never match")
    func samplePhonesDoNotMatch() throws {
        for text in [SampleMessages.register, SampleMessages.invite] {
            let message = try SIPMessage(parsing: text)
            #expect(fingerprints.ruleIDs(message, .unknownSource(users: ["1001", "1002"])) == [])
        }
    }

    @Test("SIPp's s=- is not a tool fingerprint")
    func dashSessionNameIsOrdinary() throws {
        // Even from a stranger calling a user we do not have: only the contextual rule fires.
        let message = try ScannerFixture.message("legit-sipp-invite.sip")
        #expect(fingerprints.ruleIDs(message, .unknownSource) == [ScannerRule.bareIPUnknownUser.rawValue])
    }

    // MARK: Context

    @Test("a known user, a known source or credentials suppress the contextual rules")
    func contextSuppressesContextualRules() throws {
        let johnDoe = try ScannerFixture.message("sipp-john-doe-invite.sip")
        #expect(fingerprints.ruleIDs(johnDoe, .knownSource) == [])
        // The number is one of our DIDs: an ordinary incoming call.
        #expect(fingerprints.ruleIDs(johnDoe, .unknownSource(users: ["0033147310370"])) == [])
        // The caller is one of ours, before its challenge (or from a new address).
        #expect(fingerprints.ruleIDs(johnDoe, .unknownSource(users: ["4000"])) == [])
        let withCredentials = try ScannerFixture.message(
            "sipp-john-doe-invite.sip",
            adding: "Proxy-Authorization: Digest username=\"4000\", realm=\"test\", nonce=\"1\", uri=\"sip:0033147310370@127.0.0.1:35072\", response=\"00000000000000000000000000000000\"")
        #expect(fingerprints.ruleIDs(withCredentials, .unknownSource) == [])

        // svwar's INVITE for an extension that exists still carries its tool fingerprints.
        let svwar = try ScannerFixture.message("svwar-invite-liar.sip")
        #expect(
            fingerprints.ruleIDs(svwar, .unknownSource(users: ["1001"]))
                == [ScannerRule.sipviciousTag, .sipviciousBranch, .sdpTool].map(\.rawValue))
    }

    @Test("isLocalUser is asked only for requests from unknown sources without credentials")
    func contextIsNotAskedOnTheHotPath() throws {
        final class Counter: @unchecked Sendable { var calls = 0 }
        let counter = Counter()
        let counting = ScannerContext(isKnownSource: true, isLocalUser: { _ in counter.calls += 1; return false })
        _ = fingerprints.ruleIDs(try ScannerFixture.message("legit-baresip-invite.sip"), counting)
        _ = fingerprints.ruleIDs(try ScannerFixture.message("legit-baresip-register-auth.sip"), .init(isKnownSource: false, isLocalUser: { _ in counter.calls += 1; return false }))
        #expect(counter.calls == 0)
    }

    @Test("international shapes", arguments: [
        ("0033147310370", true), ("+33147310370", true), ("01133147310370", true), ("+1-202-555-0123", true),
        ("0033147310370;phone-context=example.com", true),
        ("1001", false), ("4000", false), ("0147310370", false), ("+123", false), ("00", false),
        ("+33abc47310370", false), ("0033147310370123456789", false), ("service", false),
    ])
    func internationalShapes(_ user: String, _ international: Bool) {
        #expect(ContextualRules.isInternationalNumber(Array(user.utf8)) == international)
    }

    @Test("a domain Request-URI is not a bare-IP probe, but can be an international one")
    func domainRequestURI() throws {
        let message = try ScannerFixture.message(
            "sipp-john-doe-invite.sip", replacingLine: "INVITE ", with: "INVITE sip:0033147310370@pbx.example.com SIP/2.0")
        #expect(fingerprints.ruleIDs(message, .unknownSource) == [ScannerRule.internationalFromUnknown.rawValue])
        let tel = try ScannerFixture.message(
            "sipp-john-doe-invite.sip", replacingLine: "INVITE ", with: "INVITE tel:+33147310370 SIP/2.0")
        #expect(fingerprints.ruleIDs(tel, .unknownSource) == [ScannerRule.internationalFromUnknown.rawValue])
    }

    // MARK: User-Agent

    @Test("User-Agent patterns match case-insensitively as substrings", arguments: [
        ("friendly-scanner", "friendly-scanner"), ("FRIENDLY-SCANNER", "friendly-scanner"),
        ("Friendly-Scanner/1.0 (x)", "friendly-scanner"), ("my SipVicious fork", "sipvicious"),
        ("SIPSAK 0.9.6", "sipsak"), ("VaxSIPUserAgent/3.1", "VaxSIPUserAgent"), ("iwar", "iWar"),
        ("Test Agent", "Test Agent"), ("gulp", "Gulp"),
        // The short patterns also hit ordinary names: the documented cost of the MOR list.
        ("Acme SIPv2 Phone", "sipv"), ("Smaphone 3", "smap"),
    ])
    func userAgentMatches(_ userAgent: String, _ pattern: String) throws {
        let message = try SIPMessage(parsing: Self.options(userAgent: userAgent))
        let match = try #require(fingerprints.first(message, .knownSource))
        #expect(match.rule == "user-agent")
        #expect(match.detail.hasSuffix("contains \"\(pattern)\""))
    }

    @Test("ordinary User-Agents do not match", arguments: [
        "Linphone/5.0", "baresip v1.0.0 (x86_64/linux)", "Yealink SIP-T46S 66.86.0.15", "Zoiper rv2.10.20.1",
        "MicroSIP/3.21.3", "Asterisk PBX 20.5.0", "FPBX-16.0.40(18.20.0)", "PolycomVVX-VVX_411-UA/6.4.3",
        "Grandstream GXP2170 1.0.11.23", "Cisco-SIPGateway/IOS-15.x", "friendly", "sip", "scanner",
    ])
    func ordinaryUserAgents(_ userAgent: String) throws {
        let message = try SIPMessage(parsing: Self.options(userAgent: userAgent))
        #expect(fingerprints.first(message, .knownSource) == nil)
    }

    @Test("every User-Agent field is read; Server only on responses")
    func headerSelection() throws {
        let second = try SIPMessage(parsing: Self.options(userAgent: "Linphone/5.0", extra: ["User-Agent: friendly-scanner"]))
        #expect(fingerprints.first(second, .knownSource)?.rule == "user-agent")
        let serverOnRequest = try SIPMessage(parsing: Self.options(userAgent: "Linphone/5.0", extra: ["Server: friendly-scanner"]))
        #expect(fingerprints.first(serverOnRequest, .knownSource) == nil)
        let response = try SIPMessage(parsing: SampleMessages.message([
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
            "From: <sip:1001@example.com>;tag=1928301774",
            "To: <sip:100@192.0.2.9>;tag=a6c85cf",
            "Call-ID: a84b4c76e66710@pc33.example.com",
            "CSeq: 1 OPTIONS",
            "Server: sipvicious-fork 1.0",
        ]))
        let match = try #require(fingerprints.first(response, .unknownSource))
        #expect(match.detail == "Server \"sipvicious-fork 1.0\" contains \"sipvicious\"")
    }

    @Test("operators replace the lists and switch rules off")
    func configuration() throws {
        let svmap = try ScannerFixture.message("svmap-options.sip")
        var custom = ScannerFingerprints(userAgentPatterns: ["pplsip", ""])
        #expect(custom.userAgentPatterns == ["pplsip"])
        #expect(fingerprints.ruleIDs(try SIPMessage(parsing: Self.options(userAgent: "pplsip")), .knownSource) == [])
        #expect(custom.ruleIDs(try SIPMessage(parsing: Self.options(userAgent: "PPLSIP")), .knownSource) == ["user-agent"])
        // friendly-scanner is no longer a pattern: svmap is still caught by its From.
        #expect(custom.first(svmap, .knownSource)?.rule == "sipvicious-from")

        custom.enabledRules = [.userAgent]
        #expect(custom.enabledRules == [.userAgent])
        #expect(custom.first(svmap, .unknownSource) == nil)

        custom.sdpSessionNames = []
        custom.enabledRules = Set(ScannerRule.allCases)
        #expect(!custom.ruleIDs(try ScannerFixture.message("svwar-invite.sip"), .knownSource).contains("sdp-tool"))

        let none = ScannerFingerprints(enabledRules: [])
        #expect(none.ruleIDs(svmap, .unknownSource) == [])
    }

    @Test("rule identifiers are stable")
    func ruleIdentifiers() {
        #expect(ScannerRule.allCases.map(\.rawValue) == [
            "user-agent", "sipvicious-from", "sipvicious-tag", "sipvicious-contact", "sipvicious-branch",
            "sdp-tool", "international-from-unknown", "bare-ip-unknown-user",
        ])
        #expect(ScannerFingerprints.defaultUserAgentPatterns.count == 17)
    }

    // MARK: sipvicious tags

    @Test("svhelper.createTag outputs are recognised", arguments: [
        // Computed with sipvicious 0.3.8's own svhelper.createTag.
        ("3130300133313032383239343634", "100"),
        ("616c6963653a73336372337420706173730131363939373833313930", "alice:s3cr3t pass"),
        ("3766303030303031316639300133373237303630373734", "7f0000011f90"),
        ("0132303030393331353939", ""),
        ("3130300133313032383239343634".uppercased(), "100"),
    ])
    func createTagShapes(_ tag: String, _ data: String) {
        let decoded = Self.withBytes(tag) { SipviciousSignatures.createTagPrefix($0) }
        #expect(decoded == Array(data.utf8))
    }

    @Test("other tags are not", arguments: [
        "8b2fbbe04ef8c304", "52659d45a1f1bed3",  // baresip
        "1834SIPpTag001", "4f9b2c71", "as6c85cf",  // SIPp, Yealink, Asterisk-like
        "3130300131", "31303001313233",  // 0x01 then fewer than 5 digits
        "313030013132333435363738393031",  // more than 10 digits
        "31303001313233343x",  // not hex
        "3130300131323334353",  // odd length
        "1f3030013132333435",  // control byte before the separator
        "31303031323334353637",  // no separator
        "3130300131323334350a",  // non-digit after the separator
    ])
    func otherTags(_ tag: String) {
        #expect(Self.withBytes(tag) { SipviciousSignatures.createTagPrefix($0) } == nil)
    }

    @Test("random hex tags do not look like createTag")
    func randomHexTags() {
        // 200,000 pseudo-random tags of 8, 16 and 32 hex digits (fixed seed, reproducible).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var falsePositives = 0
        for round in 0..<200_000 {
            let length = [8, 16, 32][round % 3]
            var tag = ""
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                tag.append(Character(String(Int(state >> 60), radix: 16)))
            }
            if Self.withBytes(tag, { SipviciousSignatures.createTagPrefix($0) }) != nil { falsePositives += 1 }
        }
        #expect(falsePositives == 0)
    }

    // MARK: SDP

    @Test("SDP session names", arguments: [
        ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=svwar\r\nc=IN IP4 192.0.2.1\r\n", true),
        ("v=0\r\no=100 8000 8000 IN IP4 192.0.2.1\r\ns=SIPPTS\r\nc=IN IP4 192.0.2.1\r\n", true),
        ("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=SvWar \nt=0 0\n", true),
        ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n", false),
        ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=svwar2\r\n", false),
        ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\ns=svwar\r\n", false),
        ("o=- 1 1 IN IP4 192.0.2.1\r\ns=svwar\r\n", false),
        ("", false),
    ])
    func sdpSessionNames(_ body: String, _ matches: Bool) {
        let names = SDPSessionNames(ScannerFingerprints.defaultSDPSessionNames)
        #expect(Self.withBytes(body) { names.match(in: $0) != nil } == matches)
    }

    // MARK: Hostile input

    @Test("hostile input neither crashes nor leaks into details")
    func hostileInput() throws {
        // A User-Agent as long as the parser allows, with near misses all along.
        let nearMisses = String(repeating: "sipsipcsipsasmaxfriendly-scannefriendly-", count: 200)
        let long = try SIPMessage(parsing: Self.options(userAgent: String(nearMisses.prefix(8_000))))
        #expect(fingerprints.first(long, .knownSource) == nil)

        // The same with the pattern at the very end: found, and the detail stays bounded.
        let late = try SIPMessage(parsing: Self.options(userAgent: String(nearMisses.prefix(7_900)) + "friendly-scanner"))
        let match = try #require(fingerprints.first(late, .knownSource))
        #expect(match.detail.count <= ScannerMatch.maximumDetailLength)

        // Bytes above 0x7F (not UTF-8) around a pattern.
        var junk: [UInt8] = Array("OPTIONS sip:100@192.0.2.9 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:100@192.0.2.9>\r\nCall-ID: 1@x\r\nCSeq: 1 OPTIONS\r\nUser-Agent: ".utf8)
        junk += (0x80...0xFF).map { UInt8($0) } + Array("SIPVICIOUS".utf8) + (0x80...0xFF).map { UInt8($0) }
        junk += Array("\r\nContent-Length: 0\r\n\r\n".utf8)
        let binary = try SIPMessage(parsing: junk)
        let found = try #require(fingerprints.first(binary, .knownSource))
        #expect(found.detail.count <= ScannerMatch.maximumDetailLength)

        // A huge hex tag: not decoded past the limit.
        let hugeTag = String(repeating: "31", count: 3_000) + "01" + String(repeating: "31", count: 10)
        let tagged = try SIPMessage(parsing: Self.options(userAgent: "Linphone/5.0", fromTag: hugeTag))
        #expect(fingerprints.first(tagged, .knownSource) == nil)

        // Control characters in a detail are escaped, and the detail is cut.
        let escaped = ScannerMatch(rule: .userAgent, detail: String(repeating: "\u{1B}[2J", count: 100))
        #expect(escaped.detail.count <= ScannerMatch.maximumDetailLength)
        #expect(!escaped.detail.contains("\u{1B}"))

        // Every prefix of a real packet either fails to parse or is judged without crashing.
        let bytes = try ScannerFixture.bytes("svwar-invite.sip")
        for end in 0...bytes.count {
            guard var message = try? SIPMessage(parsing: bytes[0..<end]) else { continue }
            _ = fingerprints.matches(&message, context: .unknownSource)
        }
    }

    // MARK: Helpers

    static func options(userAgent: String, fromTag: String = "a7b3c9", extra: [String] = []) -> String {
        SampleMessages.message([
            "OPTIONS sip:pbx.example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK.8c1a2f0e;rport",
            "Max-Forwards: 70",
            "From: <sip:1001@pbx.example.com>;tag=\(fromTag)",
            "To: <sip:pbx.example.com>",
            "Call-ID: 5f2c7d1e@192.0.2.10",
            "CSeq: 1 OPTIONS",
            "User-Agent: \(userAgent)",
        ] + extra)
    }

    static func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        Array(text.utf8).withUnsafeBytes(body)
    }
}
