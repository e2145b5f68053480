import Foundation
import SIPTestSupport
import Storage
import Testing

/// `sipwarden cdr ...`, run as the real binary on a temporary data directory with records
/// written the way the server writes them.
@Suite("sipwarden cdr")
struct CDRCommandsTests {
    static func date(_ text: String) throws -> Date {
        try #require(try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }

    /// Account acme (id 1) with device alice, account globex (id 2), and three records: an
    /// answered call with hostile headers, a refused unidentified caller, a busy call that
    /// failed over.
    static func sandbox() throws -> ManagementSandbox {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["account", "add", "acme", "--balance", "10"])
        try sandbox.succeed(["account", "add", "globex"])
        try sandbox.succeed(["device", "add", "alice", "--account", "acme", "--password-stdin"], input: "Correct-horse-9\n")
        let database = try sandbox.database()
        let alice = try #require(try database.device(username: "alice")?.id)
        let start = try date("2026-11-22T09:59:59.500Z")
        try database.insert([
            CallRecord(
                callID: "a84b4c76e66710", startedAt: start, ringingAt: start.addingTimeInterval(0.25),
                answeredAt: start.addingTimeInterval(2), endedAt: start.addingTimeInterval(32), durationMillis: 30_040,
                billableSeconds: 31, callerKind: "device", accountId: 1, deviceId: alice, callerName: "alice",
                sourceIP: "198.51.100.7", sourcePort: 5_060, transport: "udp", userAgent: "<script>alert(1)</script>\u{1B}[2J",
                fromHeader: "=HYPERLINK(\"http://evil\"), <sip:alice@example.com>;tag=1", toHeader: "<sip:+442079460000@example.com>",
                contact: "@SUM(1+1)", requestURI: "sip:+442079460000@example.com", dialledNumber: "+442079460000",
                destinationKind: "provider", destination: "carrier",
                attempts: [CallAttempt(providerId: 7, providerName: "carrier", number: "5511#442079460000", status: 200, reason: "OK", startedAt: start)],
                status: 200, reason: "OK", cause: "normal", hangupBy: "caller", costMicros: 250_000, ratePrefix: "+44"),
            CallRecord(
                callID: "scan-1", startedAt: try date("2026-11-22T10:00:00.000Z"), endedAt: try date("2026-11-22T10:00:00.100Z"),
                callerKind: "unidentified", sourceIP: "2001:db8::7", sourcePort: 5_070, transport: "tcp",
                userAgent: "friendly-scanner", fromHeader: "-1+1 <sip:100@example.com>", toHeader: "<sip:900@example.com>",
                requestURI: "sip:900@example.com", dialledNumber: "900", destinationKind: "none", status: 403,
                reason: "Forbidden\r\nX-Injected: 1", cause: "unidentified", hangupBy: "server"),
            CallRecord(
                callID: "busy-1", startedAt: try date("2026-11-23T00:00:00.000Z"), ringingAt: try date("2026-11-23T00:00:01.000Z"),
                endedAt: try date("2026-11-23T00:00:05.000Z"), callerKind: "device", accountId: 1, deviceId: alice,
                callerName: "alice", sourceIP: "198.51.100.7", sourcePort: 5_060, transport: "udp",
                fromHeader: "<sip:alice@example.com>;tag=2", toHeader: "<sip:0207946@example.com>",
                requestURI: "sip:0207946@example.com", dialledNumber: "0207946", destinationKind: "provider", destination: "backup",
                attempts: [
                    CallAttempt(providerId: 7, providerName: "carrier", number: "5511#0207946", status: 503, reason: "Service Unavailable",
                                startedAt: try date("2026-11-23T00:00:00.010Z")),
                    CallAttempt(providerId: 8, providerName: "backup", number: "0207946", status: 486, reason: "Busy Here",
                                startedAt: try date("2026-11-23T00:00:00.500Z")),
                    CallAttempt(providerId: 9, providerName: "silent", number: "0207946", startedAt: try date("2026-11-23T00:00:04.000Z")),
                ],
                status: 486, reason: "Busy Here", cause: "busy", hangupBy: "callee"),
        ])
        return sandbox
    }

    @Test("the table: newest first, one line each, escaped; the filters; a note when more records match")
    func table() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.database().account(named: "acme")?.balanceMicros == 9_750_000, "the record's cost was charged with it")
        #expect(try sandbox.succeed(["cdr", "list"]) == """
            ID  START                 CALLER          FROM-IP       DIALLED        DESTINATION  STATUS  CAUSE         DURATION  COST
            3   2026-11-23T00:00:00Z  alice           198.51.100.7  0207946        backup       486     busy          0.0       0.00
            2   2026-11-22T10:00:00Z  (unidentified)  2001:db8::7   900            -            403     unidentified  0.0       0.00
            1   2026-11-22T09:59:59Z  alice           198.51.100.7  +442079460000  carrier      200     normal        30.0      0.25

            """)
        func ids(_ arguments: [String]) throws -> [String] {
            try sandbox.succeed(["cdr", "list"] + arguments).split(separator: "\n").dropFirst().map { String($0.prefix(while: { $0 != " " })) }
        }
        #expect(try ids(["--from", "2026-11-22T10:00:00Z"]) == ["3", "2"], "--from includes its instant")
        #expect(try ids(["--to", "2026-11-22 10:00:00"]) == ["1"], "--to excludes its instant")
        #expect(try ids(["--from", "2026-11-23"]) == ["3"])
        #expect(try ids(["--from", "2026-11-22", "--to", "2026-11-23"]) == ["2", "1"])
        #expect(try ids(["--account", "acme"]) == ["3", "1"])
        #expect(try ids(["--account", "2"]).isEmpty)
        #expect(try ids(["--device", "alice", "--cause", "normal"]) == ["1"])
        #expect(try ids(["--cause", "unidentified"]) == ["2"])
        let limited = try sandbox.succeed(["cdr", "list", "--limit", "1"])
        #expect(limited.hasSuffix("\n1 of 3 call records shown; narrow with --from and --to, or raise --limit\n"), "\(limited)")
        #expect(limited.split(separator: "\n").count == 3)

        // The records outlive their account: its id still selects them.
        var globex = try #require(try sandbox.database().callRecord(id: 2))
        globex.id = nil
        globex.accountId = 2
        try sandbox.database().insert([globex])
        try sandbox.succeed(["account", "remove", "globex"])
        #expect(try ids(["--account", "2"]) == ["4"])
        try sandbox.fail(["cdr", "list", "--account", "globex"], status: 1, "sipwarden cdr list: account globex not found")
    }

    @Test("--json: every field, headers as sent (escaped by JSON), attempts as objects")
    func json() throws {
        let sandbox = try Self.sandbox()
        let rows = try #require(try ManagementSandbox.json(try sandbox.succeed(["cdr", "list", "--json"])) as? [[String: Any]])
        try #require(rows.count == 3)
        #expect(rows.map { $0["id"] as? Int } == [3, 2, 1])
        let answered = rows[2]
        #expect(Set(answered.keys) == Set([
            "id", "callID", "startedAt", "ringingAt", "answeredAt", "endedAt", "durationMillis", "billableSeconds", "callerKind",
            "accountId", "deviceId", "callerName", "providerId", "sourceIP", "sourcePort", "transport", "userAgent", "fromHeader",
            "toHeader", "contact", "requestURI", "dialledNumber", "destinationKind", "destination", "attempts", "status", "reason",
            "cause", "hangupBy", "cost", "costMicros", "ratePrefix", "callerID", "relatedCallID",
        ]))
        #expect(answered["userAgent"] as? String == "<script>alert(1)</script>\u{1B}[2J")
        #expect(answered["startedAt"] as? String == "2026-11-22T09:59:59.500Z")
        #expect(answered["ringingAt"] as? String == "2026-11-22T09:59:59.750Z")
        #expect(answered["durationMillis"] as? Int == 30_040 && answered["cost"] as? String == "0.25")
        #expect(answered["providerId"] is NSNull)
        let attempts = try #require(rows[0]["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["providerName"] as? String } == ["carrier", "backup", "silent"])
        #expect(attempts[2]["status"] is NSNull && attempts[1]["status"] as? Int == 486)
        #expect(rows[1]["reason"] as? String == "Forbidden\r\nX-Injected: 1")
        let output = try sandbox.succeed(["cdr", "list", "--json"])
        #expect(!output.contains("\u{1B}") && output.contains("\\u001b[2J"), "control characters are JSON escapes")
        #expect(output.hasSuffix("]\n") && output.split(separator: "\n").count == 1)

        let one = try #require(try ManagementSandbox.json(try sandbox.succeed(["cdr", "show", "1", "--json"])) as? [String: Any])
        #expect(one["callID"] as? String == "a84b4c76e66710" && one["dialledNumber"] as? String == "+442079460000")
    }

    @Test("--csv: RFC 4180 quoting, formulas defused but numbers kept, every column")
    func csv() throws {
        let sandbox = try Self.sandbox()
        let output = try sandbox.succeed(["cdr", "list", "--csv", "--cause", "normal"])
        let lines = output.components(separatedBy: "\r\n")
        try #require(lines.count == 3 && lines[2].isEmpty, "\(lines)")
        #expect(lines[0] == "id,callID,startedAt,ringingAt,answeredAt,endedAt,durationMillis,billableSeconds,callerKind,accountId,deviceId,callerName,providerId,sourceIP,sourcePort,transport,userAgent,fromHeader,toHeader,contact,requestURI,dialledNumber,destinationKind,destination,attempts,status,reason,cause,hangupBy,costMicros,ratePrefix,callerID,relatedCallID")
        let row = lines[1]
        #expect(row.hasPrefix("1,a84b4c76e66710,2026-11-22T09:59:59.500Z,2026-11-22T09:59:59.750Z,2026-11-22T10:00:01.500Z,2026-11-22T10:00:31.500Z,30040,31,device,1,"))
        #expect(row.contains(",<script>alert(1)</script>\\u{1B}[2J,"), "escaped as in the table; no comma or quote, so not quoted")
        #expect(!output.contains("\u{1B}"))
        #expect(row.contains(#","'=HYPERLINK(""http://evil""), <sip:alice@example.com>;tag=1","#), "quoted, quotes doubled, formula defused")
        #expect(row.contains(",'@SUM(1+1),"))
        #expect(row.contains(",+442079460000,provider,carrier,"), "a number with + stays a number")
        #expect(row.contains(#","[{""providerId"":7,""providerName"":""carrier"",""number"":""5511#442079460000"","#), "attempts are JSON, quoted")
        #expect(row.hasSuffix(",200,OK,normal,caller,250000,+44,,"))

        let refused = try sandbox.succeed(["cdr", "list", "--csv", "--cause", "unidentified"]).components(separatedBy: "\r\n")
        try #require(refused.count == 3, "a peer's CR LF is escaped, never a line break of the file: \(refused)")
        #expect(refused[1].contains(",'-1+1 <sip:100@example.com>,"))
        #expect(refused[1].contains(#",403,Forbidden\u{D}\u{A}X-Injected: 1,unidentified,"#))
        #expect(refused[1].contains(",2001:db8::7,5070,tcp,"))
    }

    @Test("show: every field on its own line, attacker text escaped, each provider tried")
    func show() throws {
        let sandbox = try Self.sandbox()
        let answered = try sandbox.succeed(["cdr", "show", "1"])
        for line in [
            "id:           1\n",
            "started:      2026-11-22T09:59:59.500Z\n",
            "duration:     30.0 s\n",
            "billable:     31 s\n",
            "caller:       device alice\n",
            "account:      1 (acme)\n",
            "provider:     -\n",
            "source:       udp 198.51.100.7:5060\n",
            "user agent:   <script>alert(1)</script>\\u{1B}[2J\n",
            "contact:      @SUM(1+1)\n",
            "destination:  provider carrier\n",
            "status:       200 OK\n",
            "cost:         0.25\n",
            "rate prefix:  +44\n",
            "attempt 1:    provider carrier number 5511#442079460000 → 200 OK\n",
        ] {
            #expect(answered.contains(line), "\(line)")
        }
        #expect(!answered.contains("\u{1B}"))
        let busy = try sandbox.succeed(["cdr", "show", "3"])
        #expect(busy.contains("""
            attempt 1:    provider carrier number 5511#0207946 → 503 Service Unavailable
            attempt 2:    provider backup number 0207946 → 486 Busy Here
            attempt 3:    provider silent number 0207946 → no response

            """))
        let refused = try sandbox.succeed(["cdr", "show", "2"])
        #expect(refused.contains("status:       403 Forbidden\\u{D}\\u{A}X-Injected: 1\n"))
        #expect(refused.contains("source:       tcp [2001:db8::7]:5070\n"))
        #expect(refused.contains("attempts:     none\n"))
        try sandbox.fail(["cdr", "show", "4"], status: 1, "sipwarden cdr show: call record 4 not found")
        try sandbox.fail(["cdr", "show", "x1"], status: 2, "sipwarden cdr show: ID: \"x1\" is not a call record id")
    }

    @Test("bad dates, limits and combinations are usage errors naming the option; unknown accounts and devices are refused")
    func errors() throws {
        let sandbox = try Self.sandbox()
        let forms = "expected 2026-11-22, 2026-11-22T10:00:00Z or 2026-11-22 10:00:00 (UTC)"
        for (arguments, status, message) in [
            (["--from", "2026-02-30"], 2, "--from: \"2026-02-30\" is not a date; \(forms)"),
            (["--from", "22/11/2026"], 2, "--from: \"22/11/2026\" is not a date; \(forms)"),
            (["--to", "2026-11-22T10:00:00"], 2, "--to: \"2026-11-22T10:00:00\" is not a date; \(forms)"),
            (["--to", "2026-11-22T24:00:00Z"], 2, "--to: \"2026-11-22T24:00:00Z\" is not a date; \(forms)"),
            (["--to", "2026-11-22 10:00:00+01:00"], 2, "--to: \"2026-11-22 10:00:00+01:00\" is not a date; \(forms)"),
            (["--to", "２０２６-11-22"], 2, "--to: \"２０２６-11-22\" is not a date; \(forms)"),
            (["--from", "2026-11-23", "--to", "2026-11-22"], 2, "--to: must be after --from"),
            (["--limit", "0"], 2, "--limit: 0 is out of range; expected 1 to 10000"),
            (["--limit", "10001"], 2, "--limit: 10001 is out of range; expected 1 to 10000"),
            (["--json", "--csv"], 2, "give --json or --csv, not both"),
            (["--account", "nobody"], 1, "account nobody not found"),
            (["--account", "evil\u{1B}[2J"], 1, "account evil\\u{1B}[2J not found"),
            (["--device", "bob"], 1, "device bob not found"),
        ] as [([String], Int32, String)] {
            try sandbox.fail(["cdr", "list"] + arguments, status: status, "sipwarden cdr list: \(message)")
        }
    }

    @Test("the root help lists cdr and rate")
    func help() throws {
        let binary = try ProcessRunner.product("sipwarden")
        let root = try ProcessRunner.run(binary, ["--help"]).standardOutput
        #expect(root.contains("cdr") && root.contains("rate"))
        let list = try ProcessRunner.run(binary, ["cdr", "list", "--help"]).standardOutput
        for option in ["--from", "--to", "--account", "--device", "--cause", "--limit", "--json", "--csv"] {
            #expect(list.contains(option), "\(option)")
        }
    }
}
