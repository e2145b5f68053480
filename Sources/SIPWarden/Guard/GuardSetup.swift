import Foundation
import GeoIP
import Guard
import Logging
import SIPTransport
import Switch

/// Builds the Guard for a server: the ingress filter and its gate, the request-path part
/// (fingerprints, events), and the executor service.
struct GuardSetup {
    let filter: IngressFilter
    let gate: any IngressGate
    let defense: SourceDefense
    let service: GuardService

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static func make(
        settings: GuardSettings, callers: CallerSetup, logger guardLogger: Logger = Logger(label: "sipwarden.guard")
    ) throws(Problem) -> GuardSetup {
        let filter = IngressFilter(settings: ingressSettings(settings))
        if settings.countries.isActive, let path = settings.countries.database {
            do throws(MMDBError) {
                let database = try CountryDatabase(path: path)
                filter.setCountryPolicy(CountryPolicy(
                    mode: settings.countries.mode, countries: Set(settings.countries.countries), exceptions: settings.countries.exceptions,
                    admitUnknown: settings.countries.admitUnknown, lookup: database))
            } catch {
                throw Problem(description: "guard.countries.database: \(error)")
            }
        }
        filter.setTrusted(settings.engine.trusted)
        var scanners: ScannerFingerprints?
        if settings.scannersEnabled {
            var fingerprints = ScannerFingerprints()
            if let agents = settings.scannerUserAgents { fingerprints.userAgentPatterns = agents }
            scanners = fingerprints
        }
        let scannerJail = settings.engine.jail(named: Jail.sipScanner.name)
        let defense = SourceDefense(
            events: callers.events, scanners: scanners, dropScanners: scannerJail.map { $0.enabled && $0.mode == .enforce } ?? false,
            filter: filter)
        let service = GuardService(
            parts: GuardService.Parts(
                queue: callers.events, recorder: callers.recorder, filter: filter, callers: callers.callers,
                database: callers.database, settings: settings, hub: callers.hub),
            logger: guardLogger)
        return GuardSetup(filter: filter, gate: GuardIngressGate(filter: filter), defense: defense, service: service)
    }

    static func ingressSettings(_ settings: GuardSettings) -> IngressFilter.Settings {
        var ingress = IngressFilter.Settings()
        ingress.banResponse = settings.banResponse
        let flood = settings.engine.jail(named: Jail.sipFlood.name)
        ingress.floodThreshold = flood.map { $0.enabled ? $0.threshold : 0 } ?? 0
        ingress.floodWindow = flood?.window ?? 2
        ingress.floodEnforced = flood?.mode == .enforce
        ingress.headroomFactor = settings.engine.headroomFactor
        ingress.ipv6PrefixLength = settings.engine.ipv6PrefixLength
        return ingress
    }

}
