import Foundation
import SIPWarden
import Storage
import Testing

/// `report security` computed from hand-made attempts and bans (`ReportFixtures`).
@Suite("Reports: security")
struct SecurityReportTests {
    static let countries: [String: String] = ["203.0.113.9": "CN", "198.51.100.20": "DE", "198.51.100.0": "DE", "192.0.2.9": "FR"]

    static func report(countries: [String: String]? = nil) throws -> SecurityReport {
        SecurityReport(
            period: try ReportFixtures.period(), attempts: ReportFixtures.attempts, bans: ReportFixtures.bans,
            countryOf: countries.map { table in { table[$0] } })
    }

    @Test("the period's counts: attempts, those naming a user, bans per jail")
    func counts() throws {
        let report = try Self.report()
        #expect(report.unidentifiedAttempts == 8)
        #expect(report.authFailures == 3)
        #expect(report.totalBans == 4)
        #expect(report.bansByJail == [
            .init(name: "sip-auth", count: 2), .init(name: "manual", count: 1), .init(name: "sip-unidentified", count: 1),
        ])
    }

    @Test("per bucket: attempts, auth failures, bans; 11:00:00.000 in the 11:00 bucket")
    func buckets() throws {
        let buckets = try Self.report().buckets
        #expect(buckets == [
            .init(start: ReportFixtures.date("2026-11-22T10:00:00.000Z"), unidentifiedAttempts: 6, authFailures: 1, bans: 1),
            .init(start: ReportFixtures.date("2026-11-22T11:00:00.000Z"), unidentifiedAttempts: 2, authFailures: 2, bans: 3),
        ])
    }

    @Test("sources: an address's attempts and its own bans together, most first, then by address numerically")
    func sources() throws {
        let sources = try Self.report().topSources
        #expect(sources == [
            .init(source: "203.0.113.9", unidentifiedAttempts: 3, bans: 2),
            .init(source: "198.51.100.20", unidentifiedAttempts: 2, bans: 0),
            .init(source: "192.0.2.9", unidentifiedAttempts: 1, bans: 0),
            .init(source: "192.0.2.10", unidentifiedAttempts: 1, bans: 0),
            .init(source: "198.51.100.0/24", unidentifiedAttempts: 0, bans: 1),
            .init(source: "2001:db8:1:2::/64", unidentifiedAttempts: 0, bans: 1),
            .init(source: "2001:db8:1:2::5", unidentifiedAttempts: 1, bans: 0),
        ])
        #expect(sources[0].total == 5)
    }

    @Test("only the ten highest sources are listed")
    func topTen() throws {
        let attempts = (1...12).flatMap { host in
            (0..<host).map { _ in ReportFixtures.attempt("10:00:00.000", from: "192.0.2.\(host)") }
        }
        let report = SecurityReport(period: try ReportFixtures.period(), attempts: attempts, bans: [])
        #expect(report.topSources.map(\.source) == (3...12).reversed().map { "192.0.2.\($0)" })
        #expect(report.unidentifiedAttempts == 78)
    }

    @Test("countries: each source's total under its country, unknown when not placed; nil without a lookup")
    func countries() throws {
        #expect(try Self.report().topCountries == nil)
        #expect(try Self.report(countries: Self.countries).topCountries == [
            .init(name: "CN", count: 5), .init(name: "DE", count: 3), .init(name: "unknown", count: 3), .init(name: "FR", count: 1),
        ])
    }
}
