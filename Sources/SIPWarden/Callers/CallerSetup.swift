import UnixTime
import Console
import Foundation
import Logging
import Registrar
import SecurityEvents
import Storage
import Switch

/// Builds caller identification for a data directory: the database, the nonce secret, the
/// directory of devices and providers, the bindings left from the last run, the security
/// event stream and the services that keep them up to date.
struct CallerSetup {
    let database: AppDatabase
    let callers: CallerServices
    let events: SecurityEventQueue
    let recorder: SecurityEventRecorder
    let maintenance: CallerMaintenanceService
    /// The proxy's shared state and the writer of its call records.
    let calls: CallServices
    let callRecords: CallRecordWriter
    /// The live event channel's hub.
    let hub: EventHub
    /// The toll-fraud monitors; nil when `fraud.enabled` is false.
    let fraud: FraudService?
    /// Calls the last run left up (a crash), closed and charged already: to be hung up
    /// once the listeners are bound.
    let orphans: [OrphanDialog]

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static func make(
        configuration: ServerConfiguration, dataDirectory: String, logger: Logger,
        wallClock: @escaping @Sendable () -> Int64 = CallerSetup.unixMilliseconds
    ) throws(Problem) -> CallerSetup {
        let database: AppDatabase
        do {
            database = try AppDatabase.open(dataDirectory: dataDirectory)
        } catch {
            throw Problem(description: "--data-dir: cannot open the database in \(dataDirectory): \(error)")
        }
        let secret: [UInt8]
        do throws(AuthSecret.Problem) {
            secret = try AuthSecret.load(dataDirectory: dataDirectory)
        } catch {
            throw Problem(description: "--data-dir: \(error.description)")
        }
        var settings = CallerServices.Configuration()
        settings.authentication = DigestAuthenticator.Configuration(
            realm: configuration.auth.realm, algorithms: configuration.auth.algorithms,
            nonceLifetimeSeconds: configuration.auth.nonceLifetime, replayTableSize: configuration.auth.replayTableSize)
        settings.registrar = RegistrarPolicy(
            minExpires: configuration.registrar.minExpires, maxExpires: configuration.registrar.maxExpires,
            defaultExpires: configuration.registrar.defaultExpires)
        settings.allowGuest = configuration.auth.allowGuest
        let events = SecurityEventQueue()
        let callers = CallerServices(configuration: settings, secret: secret, events: events, wallClock: wallClock)
        do {
            callers.directory.replace(with: try CallerDirectoryLoader.load(from: database, realm: configuration.auth.realm, logger: logger))
            try RegistrationPersistence.loadBindings(from: database, into: callers.registrar, now: wallClock())
            _ = try database.removeRegistrations(expiredBefore: UnixTime.date(wallClock()))
        } catch {
            throw Problem(description: "--data-dir: cannot read devices and registrations: \(error)")
        }
        var callSettings = CallServices.Configuration()
        callSettings.maxCallSeconds = configuration.calls.maxDuration
        callSettings.ringTimeoutSeconds = configuration.calls.ringTimeout
        callSettings.providerTimeoutMilliseconds = configuration.calls.providerTimeout * 1000
        let ledger = Ledger()
        let callRecords = CallRecordWriter(database: database, ledger: ledger, logger: logger, wallClock: wallClock)
        // Before the money is read: a crash's leftover calls are charged first.
        let orphans: [OrphanDialog]
        do {
            orphans = try callRecords.closeLeftovers()
        } catch {
            throw Problem(description: "--data-dir: cannot close the calls the last run left up: \(error)")
        }
        let hub = EventHub()
        let fraud = configuration.fraud.enabled
            ? FraudSetup.make(
                settings: configuration.fraud, callSettings: configuration.calls, database: database, callers: callers, events: hub,
                logger: logger, wallClock: wallClock)
            : nil
        let observers = CallObservers(writer: callRecords, fraud: fraud, events: hub)
        let calls = CallServices(configuration: callSettings, ledger: ledger, records: observers, watcher: observers)
        fraud?.attach(calls: calls)
        do {
            try CallRoutingLoader.reload(calls, database: database, settings: configuration.calls, logger: logger)
            try fraud?.rebuild()
        } catch {
            throw Problem(description: "--data-dir: cannot read routes, accounts, rates and call records: \(error)")
        }
        let recorder = SecurityEventRecorder(queue: events, database: database, logger: logger, callRecords: callRecords, hub: hub)
        let maintenance = CallerMaintenanceService(
            callers: callers, database: database, recorder: recorder, realm: configuration.auth.realm, logger: logger,
            calls: calls, callRecords: callRecords, callSettings: configuration.calls, hub: hub)
        return CallerSetup(
            database: database, callers: callers, events: events, recorder: recorder, maintenance: maintenance, calls: calls,
            callRecords: callRecords, hub: hub, fraud: fraud, orphans: orphans)
    }

    @Sendable static func unixMilliseconds() -> Int64 {
        UnixTime.milliseconds(Date())
    }
}
