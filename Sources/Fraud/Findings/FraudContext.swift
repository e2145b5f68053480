/// What an alert shows besides the figures: whose call reached the level and what the scope
/// has been calling lately (most recent first), so that whoever reads it can tell a busy
/// customer from a stolen password without opening the call records.
public struct FraudContext: Sendable, Hashable {
    /// The call whose fact reached the level.
    public var callID: String
    /// The account and device of that call. The account is the one a block applies to,
    /// also for a device's rule; for a switch-wide rule it is the account whose call took
    /// the figure over (which is why the default switch-wide rules only alert).
    public var accountId: Int64?
    public var deviceId: Int64?
    /// Numbers, countries and source addresses of the scope's latest calls, each once.
    public var numbers: [String]
    public var countries: [String]
    public var sourceIPs: [String]

    public init(
        callID: String, accountId: Int64?, deviceId: Int64?, numbers: [String] = [], countries: [String] = [], sourceIPs: [String] = []
    ) {
        self.callID = callID
        self.accountId = accountId
        self.deviceId = deviceId
        self.numbers = numbers
        self.countries = countries
        self.sourceIPs = sourceIPs
    }
}
