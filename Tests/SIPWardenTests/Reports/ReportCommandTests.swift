import Foundation
import SIPTestSupport
import Storage
import Testing

/// `sipwarden report ...`, run as the real binary on a temporary data directory holding the
/// rows of `ReportFixtures`: the figures the pure tests check, as the operator reads them.
@Suite("sipwarden report")
struct ReportCommandTests {
    /// Accounts acme (id 1) and globex (id 2), and every fixture row.
    static func sandbox() throws -> ManagementSandbox {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["account", "add", "acme", "--balance", "10"])
        try sandbox.succeed(["account", "add", "globex"])
        let database = try sandbox.database()
        try database.insert(ReportFixtures.calls)
        try database.insert(ReportFixtures.attempts)
        _ = try database.insert(ReportFixtures.bans)
        for sample in ReportFixtures.samples { try database.insert(sample) }
        return sandbox
    }

    static let period = ["--from", "2026-11-22T10:00:00Z", "--to", "2026-11-22 12:00:00"]

    /// A CSV document's lines, without the CRLF ends.
    static func lines(_ csv: String) -> [String] {
        #expect(csv.hasSuffix("\r\n") && !csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF line ends")
        return csv.components(separatedBy: "\r\n").dropLast()
    }

    @Test("calls: the buckets with a total line, then providers and accounts, as worked out by hand")
    func callsTable() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.succeed(["report", "calls"] + Self.period) == """
            calls from 2026-11-22T10:00:00Z to 2026-11-22T12:00:00Z (excluded), by hour, UTC

            BUCKET (UTC)      ATTEMPTS  RINGING  ANSWERED  ASR (%)  ACD (S)  MINUTES  AVG MIN
            2026-11-22 10:00  5         4        3         60.0     70.0     3.50     1.17
            2026-11-22 11:00  5         3        2         40.0     195.0    6.50     3.25
            total             10        7        5         50.0     120.0    10.00    2.00

            PROVIDER  ATTEMPTS  RINGING  ANSWERED  ASR (%)  ACD (S)  MINUTES  AVG MIN
            carrier   5         3        3         60.0     160.0    8.00     2.67
            (local)   3         3        2         66.7     60.0     2.00     1.00
            (none)    1         0        0         0.0      -        0.00     -
            backup    1         1        0         0.0      -        0.00     -

            ACCOUNT  ATTEMPTS  RINGING  ANSWERED  ASR (%)  ACD (S)  MINUTES  AVG MIN
            acme     5         5        4         80.0     127.5    8.50     2.13
            (none)   2         1        1         50.0     90.0     1.50     1.50
            globex   2         1        0         0.0      -        0.00     -
            #99      1         0        0         0.0      -        0.00     -

            """)
        let days = try sandbox.succeed(["report", "calls", "--from", "2026-11-21", "--to", "2026-11-24", "--by", "day"])
        #expect(days.contains("""
            BUCKET (UTC)  ATTEMPTS  RINGING  ANSWERED  ASR (%)  ACD (S)  MINUTES  AVG MIN
            2026-11-21    0         0        0         -        -        0.00     -
            2026-11-22    12        9        7         58.3     371.4    43.33    6.19
            2026-11-23    0         0        0         -        -        0.00     -
            total         12        9        7         58.3     371.4    43.33    6.19

            """), "the whole day: with the calls at 09:59:59.999 and 12:00 (1000 s each)\n\(days)")
    }

    @Test("calls --json: buckets, byProvider, byAccount and total; null for a ratio without calls")
    func callsJSON() throws {
        let sandbox = try Self.sandbox()
        let output = try sandbox.succeed(["report", "calls", "--json"] + Self.period)
        #expect(output.hasSuffix("}\n") && output.split(separator: "\n").count == 1)
        let report = try #require(try ManagementSandbox.json(output) as? [String: Any])
        #expect(report["report"] as? String == "calls" && report["by"] as? String == "hour")
        #expect(report["from"] as? String == "2026-11-22T10:00:00Z" && report["to"] as? String == "2026-11-22T12:00:00Z")
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["attempts"] as? Int == 10 && total["ringing"] as? Int == 7 && total["answered"] as? Int == 5)
        #expect(total["asr"] as? Double == 50.0 && total["acdSeconds"] as? Double == 120.0)
        #expect(total["totalMinutes"] as? Double == 10.0 && total["averageMinutes"] as? Double == 2.0)
        let buckets = try #require(report["buckets"] as? [[String: Any]])
        #expect(buckets.map { $0["start"] as? String } == ["2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z"])
        #expect(buckets.map { $0["acdSeconds"] as? Double } == [70.0, 195.0])
        #expect(buckets.map { $0["averageMinutes"] as? Double } == [1.17, 3.25])
        let providers = try #require(report["byProvider"] as? [[String: Any]])
        #expect(providers.map { $0["provider"] as? String } == ["carrier", "(local)", "(none)", "backup"])
        #expect(providers[0]["totalMinutes"] as? Double == 8.0 && providers[1]["asr"] as? Double == 66.7)
        #expect(providers[3]["acdSeconds"] is NSNull && providers[3]["averageMinutes"] is NSNull)
        let accounts = try #require(report["byAccount"] as? [[String: Any]])
        #expect(accounts.map { $0["account"] as? String } == ["acme", "(none)", "globex", "#99"])
        #expect(accounts[0]["acdSeconds"] as? Double == 127.5 && accounts[0]["averageMinutes"] as? Double == 2.13)
    }

    @Test("calls --csv: one row per bucket, provider and account, then the total; empty fields for no ratio")
    func callsCSV() throws {
        let sandbox = try Self.sandbox()
        #expect(Self.lines(try sandbox.succeed(["report", "calls", "--csv"] + Self.period)) == [
            "section,name,attempts,ringing,answered,asr,acdSeconds,totalMinutes,averageMinutes",
            "bucket,2026-11-22T10:00:00Z,5,4,3,60.0,70.0,3.50,1.17",
            "bucket,2026-11-22T11:00:00Z,5,3,2,40.0,195.0,6.50,3.25",
            "provider,carrier,5,3,3,60.0,160.0,8.00,2.67",
            "provider,(local),3,3,2,66.7,60.0,2.00,1.00",
            "provider,(none),1,0,0,0.0,,0.00,",
            "provider,backup,1,1,0,0.0,,0.00,",
            "account,acme,5,5,4,80.0,127.5,8.50,2.13",
            "account,(none),2,1,1,50.0,90.0,1.50,1.50",
            "account,globex,2,1,0,0.0,,0.00,",
            "account,#99,1,0,0,0.0,,0.00,",
            "total,,10,7,5,50.0,120.0,10.00,2.00",
        ])
    }

    @Test("online: fewest, most and average devices per bucket; - and null without samples")
    func online() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.succeed(["report", "online"] + Self.period) == """
            devices online from 2026-11-22T10:00:00Z to 2026-11-22T12:00:00Z (excluded), by hour, UTC

            BUCKET (UTC)      SAMPLES  MIN DEVICES  MAX DEVICES  AVG DEVICES  MAX BINDINGS
            2026-11-22 10:00  3        3            5            4.3          7
            2026-11-22 11:00  0        -            -            -            -
            total             3        3            5            4.3          7

            """)
        let report = try #require(try ManagementSandbox.json(try sandbox.succeed(["report", "online", "--json"] + Self.period)) as? [String: Any])
        let buckets = try #require(report["buckets"] as? [[String: Any]])
        #expect(buckets[0]["averageDevices"] as? Double == 4.3 && buckets[0]["maximumBindings"] as? Int == 7)
        #expect(buckets[1]["samples"] as? Int == 0 && buckets[1]["minimumDevices"] is NSNull && buckets[1]["averageDevices"] is NSNull)
        #expect(Self.lines(try sandbox.succeed(["report", "online", "--csv"] + Self.period)) == [
            "section,name,samples,minimumDevices,maximumDevices,averageDevices,maximumBindings",
            "bucket,2026-11-22T10:00:00Z,3,3,5,4.3,7",
            "bucket,2026-11-22T11:00:00Z,0,,,,",
            "total,,3,3,5,4.3,7",
        ])
    }

    @Test("security: counts, jails, sources, buckets; no country database said so")
    func security() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.succeed(["report", "security"] + Self.period) == """
            security from 2026-11-22T10:00:00Z to 2026-11-22T12:00:00Z (excluded), by hour, UTC

            unidentified attempts:  8
            auth failures:          3
            bans:                   4

            JAIL              BANS
            sip-auth          2
            manual            1
            sip-unidentified  1

            SOURCE             UNIDENTIFIED  BANS  TOTAL
            203.0.113.9        3             2     5
            198.51.100.20      2             0     2
            192.0.2.9          1             0     1
            192.0.2.10         1             0     1
            198.51.100.0/24    0             1     1
            2001:db8:1:2::/64  0             1     1
            2001:db8:1:2::5    1             0     1

            countries: not known; set guard.countries.database to a country .mmdb file

            BUCKET (UTC)      UNIDENTIFIED  AUTH FAILURES  BANS
            2026-11-22 10:00  6             1              1
            2026-11-22 11:00  2             2              3
            total             8             3              4

            """)
        let report = try #require(try ManagementSandbox.json(try sandbox.succeed(["report", "security", "--json"] + Self.period)) as? [String: Any])
        #expect(report["unidentifiedAttempts"] as? Int == 8 && report["authFailures"] as? Int == 3 && report["totalBans"] as? Int == 4)
        #expect(report["topCountries"] is NSNull)
        let sources = try #require(report["topSources"] as? [[String: Any]])
        #expect(sources.first?["source"] as? String == "203.0.113.9" && sources.first?["total"] as? Int == 5)
        let jails = try #require(report["bansByJail"] as? [[String: Any]])
        #expect(jails.map { $0["jail"] as? String } == ["sip-auth", "manual", "sip-unidentified"])
        let csv = Self.lines(try sandbox.succeed(["report", "security", "--csv"] + Self.period))
        #expect(csv.prefix(3) == ["section,name,unidentifiedAttempts,authFailures,bans,total", "total,,8,3,4,", "jail,sip-auth,,,2,"])
        #expect(csv.contains("source,203.0.113.9,3,,2,5") && csv.contains("source,2001:db8:1:2::/64,0,,1,1"))
        #expect(csv.suffix(2) == ["bucket,2026-11-22T10:00:00Z,6,1,1,", "bucket,2026-11-22T11:00:00Z,2,2,3,"])
    }

    @Test("security with guard.countries.database: the top countries, unplaced sources as unknown")
    func securityCountries() throws {
        try TemporaryDatabaseFile.withFile(CountryRulesDatabase.bytes()) { path in
            let sandbox = try Self.sandbox()
            let config = try sandbox.write("sipwarden.yaml", CountryRulesDatabase.yaml(database: path))
            let table = try sandbox.succeed(["report", "security", "--config", config] + Self.period)
            // 203.0.113.9 (5) and 192.0.2.9/10 (1 each) are not in the test database;
            // 198.51.100.0/24 is DE, 2001:db8::/32 NL.
            #expect(table.contains("""

                COUNTRY  TOTAL
                unknown  7
                DE       3
                NL       2

                """), "\(table)")
            let report = try #require(try ManagementSandbox.json(try sandbox.succeed(["report", "security", "--json", "--config", config] + Self.period)) as? [String: Any])
            let countries = try #require(report["topCountries"] as? [[String: Any]])
            #expect(countries.map { $0["country"] as? String } == ["unknown", "DE", "NL"])
            #expect(countries.map { $0["total"] as? Int } == [7, 3, 2])
            let csv = Self.lines(try sandbox.succeed(["report", "security", "--csv", "--config", config] + Self.period))
            #expect(csv.filter { $0.hasPrefix("country,") } == ["country,unknown,,,,7", "country,DE,,,,3", "country,NL,,,,2"])
        }
    }

    @Test("cost: per bucket, per account with its total, and overall; money as cdr writes it")
    func cost() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.succeed(["report", "cost"] + Self.period) == """
            cost from 2026-11-22T10:00:00Z to 2026-11-22T12:00:00Z (excluded), by hour, UTC

            BUCKET (UTC)      ANSWERED  BILLABLE MIN  COST
            2026-11-22 10:00  3         3.08          0.30
            2026-11-22 11:00  2         5.00          1.25
            total             5         8.08          1.55

            ACCOUNT  BUCKET (UTC)      ANSWERED  BILLABLE MIN  COST
            acme     2026-11-22 10:00  3         3.08          0.30
            acme     2026-11-22 11:00  1         5.00          1.25
            acme     total             4         8.08          1.55
            (none)   2026-11-22 11:00  1         0.00          0.00
            (none)   total             1         0.00          0.00

            """)
        let report = try #require(try ManagementSandbox.json(try sandbox.succeed(["report", "cost", "--json"] + Self.period)) as? [String: Any])
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["answered"] as? Int == 5 && total["billableMinutes"] as? Double == 8.08)
        #expect(total["cost"] as? String == "1.55" && total["costMicros"] as? Int == 1_550_000)
        let accounts = try #require(report["byAccount"] as? [[String: Any]])
        #expect(accounts.map { $0["account"] as? String } == ["acme", "(none)"])
        #expect((accounts[0]["buckets"] as? [[String: Any]])?.map { $0["cost"] as? String } == ["0.30", "1.25"])
        #expect(Self.lines(try sandbox.succeed(["report", "cost", "--csv"] + Self.period)) == [
            "section,account,start,answered,billableMinutes,cost,costMicros",
            "bucket,,2026-11-22T10:00:00Z,3,3.08,0.30,300000",
            "bucket,,2026-11-22T11:00:00Z,2,5.00,1.25,1250000",
            "account-bucket,acme,2026-11-22T10:00:00Z,3,3.08,0.30,300000",
            "account-bucket,acme,2026-11-22T11:00:00Z,1,5.00,1.25,1250000",
            "account,acme,,4,8.08,1.55,1550000",
            "account-bucket,(none),2026-11-22T11:00:00Z,1,0.00,0.00,0",
            "account,(none),,1,0.00,0.00,0",
            "total,,,5,8.08,1.55,1550000",
        ])
    }

    @Test("names and sources are escaped in tables and CSV, and CSV formulas defused")
    func hostileText() throws {
        let sandbox = try ManagementSandbox()
        try sandbox.succeed(["account", "add", "=HYPERLINK(\"http://evil\")"])
        let database = try sandbox.database()
        try database.insert([ReportFixtures.call("10:00:00.000", destination: "carrier\u{1B}[2J", answeredSeconds: 60)])
        try database.insert([ReportFixtures.attempt("10:00:00.000", from: "@SUM(1+1)\u{202E}")])
        let table = try sandbox.succeed(["report", "calls"] + Self.period)
        #expect(table.contains("\ncarrier\\u{1B}[2J  1 ") && !table.contains("\u{1B}"))
        let csv = try sandbox.succeed(["report", "calls", "--csv"] + Self.period)
        #expect(csv.contains("\r\nprovider,carrier\\u{1B}[2J,1,"))
        #expect(csv.contains("\r\n" + #"account,"'=HYPERLINK(""http://evil"")",1,"#), "quoted, quotes doubled, formula defused")
        let security = try sandbox.succeed(["report", "security"] + Self.period)
        #expect(security.contains("\n@SUM(1+1)\\u{202E}  1 ") && !security.contains("\u{202E}"))
        #expect(try sandbox.succeed(["report", "security", "--csv"] + Self.period).contains("\r\nsource,'@SUM(1+1)\\u{202E},1,,0,1\r\n"))
        let json = try sandbox.succeed(["report", "security", "--json"] + Self.period)
        #expect(json.contains("\"source\":\"@SUM(1+1)\u{202E}\""), "JSON keeps the text: only controls are escaped there")
    }

    @Test("bad options are usage errors, one line, exit status 2, for every report", arguments: ["calls", "online", "security", "cost"])
    func usageErrors(report: String) throws {
        let sandbox = try ManagementSandbox()
        let forms = "expected 2026-11-22, 2026-11-22T10:00:00Z or 2026-11-22 10:00:00 (UTC)"
        for (arguments, message) in [
            (["--to", "2026-11-23"], "--from: required; \(forms)"),
            (["--from", "2026-11-22"], "--to: required; \(forms)"),
            (["--from", "2026-11-23", "--to", "2026-11-22"], "--to: must be after --from"),
            (["--from", "2026-11-22", "--to", "2026-11-22"], "--to: must be after --from"),
            (["--from", "2026-11-22", "--to", "2026-11-23", "--by", "week"], "--by: expected hour or day, got \"week\""),
            (["--from", "2026-11-22", "--to", "2026-11-23", "--json", "--csv"], "give --json or --csv, not both"),
            (["--from", "2026-02-30", "--to", "2026-11-23"], "--from: \"2026-02-30\" is not a date; \(forms)"),
            (["--from", "2025-01-01", "--to", "2026-01-02T00:00:01Z"], "--to: more than 366 days after --from; a report covers at most 366 days"),
        ] as [([String], String)] {
            try sandbox.fail(["report", report] + arguments, status: 2, "sipwarden report \(report): \(message)")
        }
        try sandbox.succeed(["report", report, "--from", "2025-01-01", "--to", "2026-01-02", "--by", "day", "--json"])
    }

    @Test("the root help lists report; each report's help gives the period options and the definitions")
    func help() throws {
        let binary = try ProcessRunner.product("sipwarden")
        #expect(try ProcessRunner.run(binary, ["--help"]).standardOutput.contains("report"))
        let calls = try ProcessRunner.run(binary, ["report", "calls", "--help"]).standardOutput
        for text in ["--from", "--to", "--by", "--json", "--csv", "--data-dir", "ASR", "ACD"] {
            #expect(calls.contains(text), "\(text)")
        }
    }
}
