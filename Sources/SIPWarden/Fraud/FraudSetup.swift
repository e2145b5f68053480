import Console
import Foundation
import Logging
import Storage
import Switch

/// Builds the fraud service and where its alerts go from the `fraud` settings.
enum FraudSetup {
    static func make(
        settings: FraudSettings, callSettings: CallSettings, database: AppDatabase, callers: CallerServices, events: EventHub, logger: Logger,
        wallClock: @escaping @Sendable () -> Int64
    ) -> FraudService {
        let fraudLogger = Logger(label: "sipwarden.fraud")
        let webhooks = settings.webhooks.isEmpty || settings.webhookSecret == nil
            ? nil : WebhookSender(urls: settings.webhooks.map(\.url), secret: settings.webhookSecret ?? "", logger: fraudLogger)
        let email = settings.email.map { EmailAlertSender(settings: $0, logger: fraudLogger) }
        let alerts = AlertDispatcher(
            logger: fraudLogger, events: events, webhooks: webhooks, email: email, database: database,
            directory: { [weak callers] in callers?.directory.directory })
        let service = FraudService(
            settings: settings, callSettings: callSettings, database: database, alerts: alerts, events: events, logger: fraudLogger,
            wallClock: wallClock)
        return service
    }
}
