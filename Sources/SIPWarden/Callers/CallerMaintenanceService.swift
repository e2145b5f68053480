import UnixTime
import Console
import Foundation
import Logging
import ServiceLifecycle
import Storage
import Switch

/// The background work of the registrar and caller identification, once a second: expire
/// bindings and unanswered challenges, write the registrar's changes and the unidentified
/// attempts, and reload the directory when the database changed (a management command ran)
/// or every 5 minutes (provider host names are resolved again). Runs off the event loops.
struct CallerMaintenanceService: Service {
    let callers: CallerServices
    let database: AppDatabase
    let recorder: SecurityEventRecorder
    let realm: String
    let logger: Logger
    let calls: CallServices?
    let callRecords: CallRecordWriter?
    let callSettings: CallSettings
    /// Where registrations and expiries are announced.
    let hub: EventHub?
    var interval: Duration = .seconds(1)
    /// How often the devices online are counted for the online report.
    var onlineSampleInterval: Duration = .seconds(300)
    var resolveInterval: Duration = .seconds(300)

    init(
        callers: CallerServices, database: AppDatabase, recorder: SecurityEventRecorder, realm: String, logger: Logger,
        calls: CallServices? = nil, callRecords: CallRecordWriter? = nil, callSettings: CallSettings = CallSettings(), hub: EventHub? = nil
    ) {
        self.hub = hub
        self.callers = callers
        self.database = database
        self.recorder = recorder
        self.realm = realm
        self.logger = logger
        self.calls = calls
        self.callRecords = callRecords
        self.callSettings = callSettings
    }

    func run() async throws {
        var seenVersion = (try? database.dataVersion()) ?? 0
        let clock = ContinuousClock()
        var lastLoad = clock.now
        // The first sample a moment after start, when the bindings loaded have been written.
        var nextSample = clock.now + interval * 2
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: interval)
            } catch {
                break
            }
            callers.tick()
            writeChanges()
            recorder.flush()
            callRecords?.flush()
            let version = (try? database.dataVersion()) ?? seenVersion
            if version != seenVersion || clock.now - lastLoad >= resolveInterval {
                seenVersion = version
                lastLoad = clock.now
                reloadDirectory()
            }
            if clock.now >= nextSample {
                nextSample = clock.now + onlineSampleInterval
                sampleOnline()
            }
        }
        // Graceful shutdown: what is still in memory goes to disk.
        writeChanges()
        recorder.flush()
        callRecords?.flush()
    }

    func writeChanges() {
        do {
            try RegistrationPersistence.flush(callers.registrar, to: database, hub: hub)
        } catch {
            logger.error("registrations not written (will retry)", metadata: ["error": "\(error)"])
        }
    }

    /// Counts the devices online now, for the online report.
    func sampleOnline() {
        do {
            let now = UnixTime.date(callers.wallClock())
            try database.insert(try database.onlineNow(at: now))
        } catch {
            logger.error("online sample not written", metadata: ["error": "\(error)"])
        }
    }

    func reloadDirectory() {
        do {
            let directory = try CallerDirectoryLoader.load(from: database, realm: realm, logger: logger)
            callers.directory.replace(with: directory)
            let ids = Set(directory.devices.values.map(\.id))
            callers.registrar.keepDevices { ids.contains($0) }
        } catch {
            logger.error("devices and providers not reloaded", metadata: ["error": "\(error)"])
        }
        guard let calls else { return }
        do {
            try CallRoutingLoader.reload(calls, database: database, settings: callSettings, logger: logger)
        } catch {
            logger.error("routes, accounts and rates not reloaded", metadata: ["error": "\(error)"])
        }
    }
}
