public import SecurityEvents

/// One registrar binding (RFC 3261 §10.3): an address-of-record's contact, with where the
/// REGISTER came from, so that requests to a device behind NAT go back the way it came.
public struct Binding: Sendable, Equatable {
    public var deviceId: Int64
    /// The Contact URI as the device wrote it (compared as text, as common registrars do).
    public var contact: String
    /// The q-value in thousandths (RFC 3261 §20.10), nil when none was given.
    public var qThousandths: Int?
    /// Unix milliseconds.
    public var expiresAt: Int64
    public var callID: String
    public var cseq: UInt32
    public var source: BindingSource
    public var userAgent: String?
    /// Unix milliseconds of the last REGISTER that set this binding.
    public var updatedAt: Int64

    public init(
        deviceId: Int64, contact: String, qThousandths: Int?, expiresAt: Int64, callID: String, cseq: UInt32,
        source: BindingSource, userAgent: String?, updatedAt: Int64
    ) {
        self.deviceId = deviceId
        self.contact = contact
        self.qThousandths = qThousandths
        self.expiresAt = expiresAt
        self.callID = callID
        self.cseq = cseq
        self.source = source
        self.userAgent = userAgent
        self.updatedAt = updatedAt
    }

    /// Whole seconds left at `now`, rounded up (a binding with 0.2 s left still exists).
    public func secondsLeft(at now: Int64) -> Int {
        max(0, Int((expiresAt - now + 999) / 1000))
    }
}

/// Where a REGISTER arrived from: the packet's source, not what its headers claim (the same
/// value a security event carries).
public typealias BindingSource = SecuritySource

/// A binding's identity: the device and the contact URI.
public struct BindingKey: Sendable, Hashable {
    public var deviceId: Int64
    public var contact: String

    public init(deviceId: Int64, contact: String) {
        self.deviceId = deviceId
        self.contact = contact
    }
}
