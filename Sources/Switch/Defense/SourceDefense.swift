import Foundation
public import Guard
public import SecurityEvents
import Synchronization

/// The Guard's part inside the request path, shared by every event loop: scanner
/// fingerprints, the events of malformed messages and scanners, and what the Guard's
/// executor tells the engines about sources (trusted networks; known sources, which the
/// contextual fingerprints leave alone).
public final class SourceDefense: Sendable {
    public let events: any SecurityEventSink
    public let scanners: ScannerFingerprints?
    /// The sip-scanner jail enforces: a request that fingerprints as a tool is dropped
    /// unanswered (the tool learns nothing) while its ban is decided. In observe mode it is
    /// answered as usual.
    public let dropScanners: Bool
    private let sources = Mutex(Sources())

    struct Sources: Sendable {
        var trusted = NetworkMap<Bool>()
        var known = Set<AddressKey>()
    }

    public init(events: any SecurityEventSink, scanners: ScannerFingerprints?, dropScanners: Bool) {
        self.events = events
        self.scanners = scanners
        self.dropScanners = dropScanners
    }

    public func setTrusted(_ networks: [GuardNetwork]) {
        var map = NetworkMap<Bool>()
        for network in networks { map[network] = true }
        sources.withLock { swap(&$0.trusted, &map) }
    }

    /// Sources with a live registration, providers and recent authentications.
    public func setKnown(_ known: Set<AddressKey>) {
        var known = known
        sources.withLock { swap(&$0.known, &known) }
    }

    /// (trusted, known) for one address, in one lock.
    func standing(of address: AddressKey) -> (trusted: Bool, known: Bool) {
        sources.withLock { ($0.trusted.contains(address), $0.known.contains(address)) }
    }
}
