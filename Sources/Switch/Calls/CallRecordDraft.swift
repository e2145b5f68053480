/// One call attempt as it is recorded: what the call record (CDR) table stores, in the
/// switch's own terms. Times are Unix milliseconds.
public struct CallRecordDraft: Sendable, Equatable {
    public enum CallerKind: String, Sendable, Codable {
        case device, provider, guest, unidentified
    }

    public enum DestinationKind: String, Sendable, Codable {
        case device, provider, none
    }

    /// One provider tried for an outbound call, in order.
    public struct ProviderAttempt: Sendable, Equatable {
        public var providerId: Int64
        public var providerName: String
        public var number: String
        public var status: Int?
        public var reason: String?
        public var startedAt: Int64

        public init(providerId: Int64, providerName: String, number: String, status: Int? = nil, reason: String? = nil, startedAt: Int64) {
            self.providerId = providerId
            self.providerName = providerName
            self.number = number
            self.status = status
            self.reason = reason
            self.startedAt = startedAt
        }
    }

    public var callID: String
    public var startedAt: Int64
    public var ringingAt: Int64?
    public var answeredAt: Int64?
    public var endedAt: Int64
    public var callerKind: CallerKind
    public var accountId: Int64?
    public var deviceId: Int64?
    /// The device's username or the provider's name.
    public var callerName: String?
    /// The calling provider.
    public var providerId: Int64?
    public var sourceIP: String
    public var sourcePort: Int
    public var transport: String
    public var userAgent: String?
    public var from: String
    public var to: String
    public var contact: String?
    public var requestURI: String
    public var dialledNumber: String
    public var destinationKind: DestinationKind = .none
    /// The callee's username or the provider's name.
    public var destination: String?
    public var attempts: [ProviderAttempt] = []
    public var status: Int = 0
    public var reason: String = ""
    public var cause: HangupCause = .serverFailure
    public var hangupBy: HangupSide = .none
    /// Whole seconds billed (at most the call's allowed duration).
    public var billableSeconds: Int = 0
    public var costMicros: Int64 = 0
    public var ratePrefix: String?
    /// The call this one came from: the call a transfer (REFER) was made in.
    public var relatedCallID: String?
    /// The number the switch presented for the caller (its asserted identity).
    public var callerID: String?

    public init(
        callID: String, startedAt: Int64, callerKind: CallerKind, sourceIP: String, sourcePort: Int, transport: String,
        from: String, to: String, requestURI: String, dialledNumber: String
    ) {
        self.callID = callID
        self.startedAt = startedAt
        self.endedAt = startedAt
        self.callerKind = callerKind
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
        self.transport = transport
        self.from = from
        self.to = to
        self.requestURI = requestURI
        self.dialledNumber = dialledNumber
    }

    /// Milliseconds from answer to end; 0 when not answered.
    public var durationMillis: Int64 {
        guard let answeredAt else { return 0 }
        return max(0, endedAt - answeredAt)
    }
}

/// Where finished call records go: written off the SIP path, in batches.
public protocol CallRecordSink: Sendable {
    func record(_ draft: CallRecordDraft)
}

/// Records nothing (a server without storage).
public struct DiscardingCallRecordSink: CallRecordSink {
    public init() {}
    public func record(_ draft: CallRecordDraft) {}
}
