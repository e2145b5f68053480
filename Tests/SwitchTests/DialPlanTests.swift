import Foundation
import SIPTestSupport
import Switch
import Testing

/// The dial plan's decisions: numbers in their written forms, longest-prefix routes with
/// rewriting and failover rules, the deny list and each account's rules.
@Suite("Dial plan")
struct DialPlanTests {
    static let devices = ["1001": "1001", "200": "alice"]  // username or alias -> username
    static let dids: [String: Int64] = ["+441234567890": 7]

    static func plan(routes: [OutboundRoute] = Self.routes, denyList: [DestinationPolicy.DenyEntry] = HighRiskPrefixes.defaults, noRouteStatus: Int = 404) -> DialPlan {
        DialPlan(routes: routes, policy: DestinationPolicy(denyList: denyList), noRouteStatus: noRouteStatus)
    }

    static let routes = [
        OutboundRoute(prefix: "+44", targets: [
            RouteTarget(providerId: 2, priority: 20, strip: 1, add: "00"),
            RouteTarget(providerId: 1, priority: 10, strip: 1, techPrefix: "5511#"),
        ]),
        OutboundRoute(prefix: "+4420", targets: [RouteTarget(providerId: 3)]),
        OutboundRoute(prefix: "+", targets: [RouteTarget(providerId: 9, strip: 1, add: "00")]),
    ]

    func decide(_ number: String, _ plan: DialPlan = plan(), origin: DialPlan.Origin = .device(rules: .init())) -> DialPlan.Decision {
        plan.decide(number, origin: origin, isLocal: { Self.devices[$0] }, did: { Self.dids[$0] })
    }

    @Test("numbers: separators dropped, 00 and + the same international form, junk refused", arguments: [
        ("+44 20 7946-0000", "+442079460000", "+442079460000"),
        ("0044 (20) 7946 0000", "00442079460000", "+442079460000"),
        ("020 7946 0000", "02079460000", nil),
        ("*98#", "*98#", nil),
    ] as [(String, String, String?)])
    func numbers(text: String, digits: String, international: String?) throws {
        let number = try DialledNumber(parsing: text)
        #expect(number.digits == digits)
        #expect(number.international == international)
    }

    @Test("not numbers: letters, a + inside, empty, more than 32 digits")
    func notNumbers() {
        for text in ["alice", "12+34", "", " - ", "1234567890123456789012345678901234", "12\u{0663}4"] {
            #expect(throws: DialledNumber.ParseError.self) { try DialledNumber(parsing: text) }
        }
        #expect(throws: DialledNumber.ParseError.tooLong) { try DialledNumber(parsing: String(repeating: "1", count: 33)) }
    }

    @Test("other access codes: 011 (North America), longest first")
    func accessCodes() throws {
        #expect(try DialledNumber(parsing: "011 44 20 7946 0000", accessCodes: ["011", "0"]).international == "+442079460000")
        #expect(try DialledNumber(parsing: "0044", accessCodes: ["00"]).international == "+44")
        #expect(try DialledNumber(parsing: "00", accessCodes: ["00"]).international == nil)
    }

    @Test("local extensions and aliases, and DIDs in either written form")
    func localAndDIDs() {
        #expect(decide("1001") == .local(username: "1001"))
        #expect(decide("200") == .local(username: "alice"))
        #expect(decide("+441234567890") == .did(number: "+441234567890", deviceId: 7))
        #expect(decide("00441234567890") == .did(number: "+441234567890", deviceId: 7))
        // A provider reaches DIDs only: an extension number from it is not routed.
        #expect(decide("+441234567890", origin: .inbound) == .did(number: "+441234567890", deviceId: 7))
        #expect(decide("1001", origin: .inbound) == .refused(.init(cause: .noRoute, status: 404, reason: "No such number here")))
        #expect(decide("0033147310370", origin: .inbound) == .refused(.init(cause: .noRoute, status: 404, reason: "No such number here")))
    }

    @Test("outbound: the longest prefix wins; providers by priority, each with its own rewriting")
    func outbound() {
        #expect(decide("00442079460000") == .outbound([.init(providerId: 3, number: "+442079460000")]))
        #expect(decide("+441619460000") == .outbound([
            .init(providerId: 1, number: "5511#441619460000"),
            .init(providerId: 2, number: "00441619460000"),
        ]))
        #expect(decide("0033147310370") == .outbound([.init(providerId: 9, number: "0033147310370")]))
    }

    @Test("unroutable: a national number with no route gets 404 (or 403 as configured), never a ring")
    func unroutable() {
        #expect(decide("02079460000") == .refused(.init(cause: .noRoute, status: 404, reason: "No route to 02079460000")))
        #expect(decide("02079460000", Self.plan(noRouteStatus: 403)) == .refused(.init(cause: .noRoute, status: 403, reason: "No route to 02079460000")))
        #expect(decide("+33147310370", Self.plan(routes: [])) == .refused(.init(cause: .noRoute, status: 404, reason: "No route to +33147310370")))
        if case .refused(let refusal) = decide("12ab") { #expect(refusal.cause == .invalidNumber && refusal.status == 484) } else { Issue.record("not refused") }
    }

    @Test("the high-risk list refuses premium and fraud destinations in either written form")
    func highRisk() {
        for number in ["+5371234567", "0053 7123 4567", "+44 906 123 4567", "00881612345678", "+1 876 555 0100", "+1 900 555 0100"] {
            guard case .refused(let refusal) = decide(number) else {
                Issue.record("\(number) was not refused")
                continue
            }
            #expect(refusal.cause == .notAllowed)
            #expect(refusal.status == 403)
            #expect(refusal.reason.contains("high-risk"))
        }
        // Neighbours of denied prefixes still route.
        #expect(decide("+12125550100") == .outbound([.init(providerId: 9, number: "0012125550100")]))
        #expect(decide("+442079460000") != .refused(.init(cause: .notAllowed, status: 403, reason: "")))
    }

    @Test("an account's rules: its allow overrides the deny list at equal length; its deny beats its allow; an allow-list confines it")
    func accountRules() {
        let cubaAllowed = DialPlan.Origin.device(rules: .init(allowed: ["+53"]))
        #expect(decide("+5371234567", origin: cubaAllowed) == .outbound([.init(providerId: 9, number: "005371234567")]))
        // Allowed +53 only: the rest of the world is refused.
        if case .refused(let refusal) = decide("+33147310370", origin: cubaAllowed) {
            #expect(refusal.reason.contains("allowed destinations"))
        } else {
            Issue.record("not refused")
        }
        // A broad allow does not open a more specific high-risk prefix.
        let europe = DialPlan.Origin.device(rules: .init(allowed: ["+4"]))
        if case .refused(let refusal) = decide("+44 906 123 4567", origin: europe) { #expect(refusal.reason.contains("high-risk")) } else { Issue.record("not refused") }
        #expect(decide("+442079460000", origin: europe) == .outbound([.init(providerId: 3, number: "+442079460000")]))
        // The account's deny, even under its allow.
        let noLondon = DialPlan.Origin.device(rules: .init(allowed: ["+44"], denied: ["+4420"]))
        if case .refused(let refusal) = decide("+442079460000", origin: noLondon) { #expect(refusal.reason.contains("denied for this account")) } else { Issue.record("not refused") }
        let both = DialPlan.Origin.device(rules: .init(allowed: ["+44"], denied: ["+44"]))
        if case .refused(let refusal) = decide("+441619460000", origin: both) { #expect(refusal.reason.contains("denied")) } else { Issue.record("not refused") }
    }

    @Test("failover: on 408, 5xx and no answer; never on 4xx or 6xx", arguments: [
        (408, true), (500, true), (503, true), (599, true), (404, false), (403, false), (486, false), (480, false), (600, false), (603, false),
    ])
    func failover(status: Int, goesOn: Bool) {
        #expect(RouteTarget.failsOver(status: status) == goesOn)
    }

    @Test("no answer at all fails over")
    func timeoutFailsOver() {
        #expect(RouteTarget.failsOver(status: nil))
    }

    @Test("the shipped deny-list file and the built-in list are the same")
    func shippedListMatches() throws {
        let url = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/high-risk-prefixes.txt")
        let parsed = HighRiskPrefixes.parse(try String(contentsOf: url, encoding: .utf8))
        #expect(parsed.rejected.isEmpty)
        #expect(parsed.entries == HighRiskPrefixes.defaults)
        #expect(parsed.entries.count > 30)
    }

    @Test("deny-list files: comments, blank lines, prefixes with spaces, bad lines reported by number")
    func parseDenyList() {
        let parsed = HighRiskPrefixes.parse("# comment\n\n+371 9  Latvia premium\n+53\nfoo bar\n+1+2  bad\n")
        #expect(parsed.entries == [.init(prefix: "+3719", reason: "Latvia premium"), .init(prefix: "+53", reason: "high-risk destination")])
        #expect(parsed.rejected == [5, 6])
    }

    @Test("prefix table: longest match, removal")
    func prefixTable() {
        var table = PrefixTable([("+4", 1), ("+44", 2), ("+4420", 3)])
        #expect(table.longestMatch("+442079")?.value == 3)
        #expect(table.longestMatch("+4416")?.value == 2)
        #expect(table.longestMatch("+49")?.value == 1)
        #expect(table.longestMatch("+3") == nil)
        table["+4420"] = nil
        #expect(table.longestMatch("+442079")?.value == 2)
        #expect(table.count == 2)
    }
}
