/// What the registrar needs of an authenticated REGISTER (RFC 3261 §10.2), already read from
/// its headers.
public struct RegisterRequest: Sendable {
    public enum Contacts: Sendable, Equatable {
        /// No Contact: a query for the current bindings (§10.2.3).
        case none
        /// `Contact: *` (§10.2.2).
        case wildcard
        case list([RequestedContact])
    }

    public struct RequestedContact: Sendable, Equatable {
        public var uri: String
        /// The contact's expires parameter.
        public var expires: UInt32?
        public var qThousandths: Int?

        public init(uri: String, expires: UInt32? = nil, qThousandths: Int? = nil) {
            self.uri = uri
            self.expires = expires
            self.qThousandths = qThousandths
        }
    }

    public var deviceId: Int64
    public var maxContacts: Int
    public var contacts: Contacts
    /// The Expires header.
    public var expires: UInt32?
    public var callID: String
    public var cseq: UInt32
    public var source: BindingSource
    public var userAgent: String?

    public init(
        deviceId: Int64, maxContacts: Int, contacts: Contacts, expires: UInt32?, callID: String, cseq: UInt32,
        source: BindingSource, userAgent: String?
    ) {
        self.deviceId = deviceId
        self.maxContacts = maxContacts
        self.contacts = contacts
        self.expires = expires
        self.callID = callID
        self.cseq = cseq
        self.source = source
        self.userAgent = userAgent
    }
}

/// The registrar's limits on expiry times (RFC 3261 §10.3 step 7).
public struct RegistrarPolicy: Sendable, Equatable {
    public var minExpires: Int
    public var maxExpires: Int
    public var defaultExpires: Int

    public init(minExpires: Int = 60, maxExpires: Int = 3_600, defaultExpires: Int = 3_600) {
        self.minExpires = minExpires
        self.maxExpires = maxExpires
        self.defaultExpires = defaultExpires
    }
}

/// What became of a REGISTER.
public enum RegisterOutcome: Sendable, Equatable {
    /// 200: the device's bindings after the request, and what changed (to persist).
    case accepted(current: [Binding], changes: BindingChanges)
    /// 423 Interval Too Brief with Min-Expires (§10.3 step 7).
    case intervalTooBrief(minExpires: Int)
    /// 400: `Contact: *` with other contacts or a non-zero expiry (§10.3 step 6).
    case invalidWildcard
    /// A CSeq not higher than the binding's for the same Call-ID: the request is out of
    /// order and changes nothing (§10.3 step 7).
    case outOfOrder
}

/// Bindings added or refreshed, and removed, by one request or one expiry sweep.
public struct BindingChanges: Sendable, Equatable {
    public var upserted: [Binding] = []
    public var removed: [BindingKey] = []

    public init(upserted: [Binding] = [], removed: [BindingKey] = []) {
        self.upserted = upserted
        self.removed = removed
    }

    public var isEmpty: Bool { upserted.isEmpty && removed.isEmpty }
}
