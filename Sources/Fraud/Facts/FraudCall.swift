/// A call as the monitors see it: who placed it and where it goes. The server builds it once
/// when the call starts (from the live call, or from a stored call record when rebuilding)
/// and sends it with each fact, so that every fact stands on its own.
public struct FraudCall: Sendable, Hashable {
    /// Tells the facts of one call apart from another's (the SIP Call-ID).
    public var callID: String
    public var accountId: Int64?
    public var deviceId: Int64?
    /// The number dialled, in its international form (`+88213…`) for an outbound call; nil
    /// for a call that does not leave the switch (it counts for nothing number-related).
    public var number: String?
    /// The destination's country, as ISO 3166 alpha-2 (`GB`) or calling code (`882`), if
    /// known; compared as given.
    public var country: String?
    /// Whether the number matches the high-risk prefix list.
    public var isRiskyDestination: Bool
    /// Where the call came from, for the alert.
    public var sourceIP: String?

    public init(
        callID: String, accountId: Int64?, deviceId: Int64?, number: String? = nil, country: String? = nil, isRiskyDestination: Bool = false,
        sourceIP: String? = nil
    ) {
        self.callID = callID
        self.accountId = accountId
        self.deviceId = deviceId
        self.number = number
        self.country = country
        self.isRiskyDestination = isRiskyDestination
        self.sourceIP = sourceIP
    }
}
