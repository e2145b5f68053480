import Foundation
public import Guard
public import SecurityEvents

/// The Guard's part inside the request path, shared by every event loop: scanner
/// fingerprints and the events of malformed messages and scanners. What it knows about a
/// source (trusted; known: registered, a provider, recently authenticated) it asks the
/// ingress filter, which the Guard's executor keeps up to date for the door anyway.
public final class SourceDefense: Sendable {
    public let events: any SecurityEventSink
    public let scanners: ScannerFingerprints?
    /// The sip-scanner jail enforces: a request that fingerprints as a tool is dropped
    /// unanswered (the tool learns nothing) while its ban is decided. In observe mode it is
    /// answered as usual.
    public let dropScanners: Bool
    private let filter: IngressFilter

    public init(events: any SecurityEventSink, scanners: ScannerFingerprints?, dropScanners: Bool, filter: IngressFilter) {
        self.events = events
        self.scanners = scanners
        self.dropScanners = dropScanners
        self.filter = filter
    }

    /// (trusted, known) for one address, in one lock.
    func standing(of address: AddressKey) -> (trusted: Bool, known: Bool) {
        filter.standing(of: address)
    }
}
