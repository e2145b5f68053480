import Foundation
import Fraud
import Testing

@testable import SIPWarden

/// The `fraud`, `console` and `events` sections: thresholds in each monitor's unit, actions,
/// block times, webhooks that must be signed, e-mail that must be addressed.
@Suite("Configuration: fraud monitors, webhooks, the event channel")
struct FraudConfigurationTests {
    static func load(_ yaml: String) async throws -> (ServerConfiguration?, [ConfigurationProblem]) {
        let path = NSTemporaryDirectory() + "sipwarden-fraud-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do throws(ConfigurationError) {
            return (try await ConfigurationLoader.load(file: path, environment: [:]), [])
        } catch {
            return (nil, error.problems)
        }
    }

    @Test("defaults: every default monitor, 15 minutes of suppression, no webhooks, the listener on 127.0.0.1:8080")
    func defaults() async throws {
        let (configuration, problems) = try await Self.load("")
        #expect(problems.isEmpty)
        let fraud = try #require(configuration?.fraud)
        #expect(fraud.enabled)
        #expect(fraud.rules == MonitorRule.defaults)
        #expect(fraud.alertSuppressSeconds == 900)
        #expect(fraud.webhooks.isEmpty)
        #expect(configuration?.console.host == "127.0.0.1")
        #expect(configuration?.console.port == 8080)
    }

    @Test("a monitor's levels, actions and block time; a monitor turned off; a global block time")
    func monitors() async throws {
        let (configuration, problems) = try await Self.load("""
            fraud:
              block_duration: 2h
              alert_suppress: 5m
              monitors:
                account_spend_hour:
                  warning: "10.50"
                  critical: "25"
                  critical_action: block-and-hang-up
                device_calls_per_minute:
                  block_duration: until-unblocked
                account_call_minutes_day:
                  enabled: false
                account_new_country:
                  warning: "off"
            """)
        #expect(problems.isEmpty, "\(problems)")
        let rules = try #require(configuration?.fraud.rules)
        let spend = try #require(rules.first { $0.name == "account-spend-hour" })
        #expect(spend.warning?.figure == 10_500_000)
        #expect(spend.critical == MonitorThreshold(25_000_000, .blockAccountAndHangUp))
        #expect(spend.blockMillis == 7_200_000)
        #expect(rules.first { $0.name == "device-calls-per-minute" }?.blockMillis == nil)
        #expect(!rules.contains { $0.name == "account-call-minutes-day" })
        #expect(rules.first { $0.name == "account-new-country" }?.warning == nil)
        #expect(configuration?.fraud.alertSuppressSeconds == 300)
    }

    @Test("wrong values are reported with their key")
    func problems() async throws {
        let (_, problems) = try await Self.load("""
            fraud:
              webhooks: ["ftp://example.com/x", "https://hooks.example.com/fraud"]
              email:
                smtp_host: relay.example.com
              monitors:
                account_spend_hour:
                  warning: "60"
                  critical: "twelve"
                account_spend_month:
                  critical_action: block
            console:
              listen: "localhost"
            """)
        let keys = Set(problems.map(\.key))
        #expect(keys.contains("fraud.webhooks"))
        #expect(keys.contains("fraud.webhook_secret"), "webhooks need a secret")
        #expect(keys.contains("fraud.email.from"))
        #expect(keys.contains("fraud.email.to"))
        #expect(keys.contains("fraud.monitors.account_spend_hour.critical"))
        // A value outside a key's choices is refused by the schema, before anything is read.
        let (_, schema) = try await Self.load("fraud:\n  monitors:\n    device_calls_per_minute:\n      critical_action: explode\n")
        #expect(schema.map(\.key) == ["fraud.monitors.device_calls_per_minute.critical_action"])
        #expect(keys.contains("fraud.monitors.account_spend_month.critical_action"), "no critical level to act on")
        #expect(keys.contains("console.listen"))
    }

    @Test("a short webhook secret is refused; an empty console.listen turns the listener off")
    func secretsAndListener() async throws {
        let (_, problems) = try await Self.load("""
            fraud:
              webhooks: ["https://hooks.example.com/fraud"]
              webhook_secret: "short"
            """)
        #expect(problems.map(\.key) == ["fraud.webhook_secret"])
        let (configuration, none) = try await Self.load("console:\n  listen: \"\"\n")
        #expect(none.isEmpty)
        #expect(configuration?.console.host == nil)
    }
}
