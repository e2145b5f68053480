/// A device to create, and the new account it goes into when it needs one: the account and
/// the device are written in the same transaction, so a refused device leaves no empty
/// account behind.
public struct DeviceProvision: Sendable, Equatable {
    public var device: Device
    /// Created first, and `device.accountId` set to its id; nil: `device.accountId` is used.
    public var newAccount: Account?

    public init(device: Device, newAccount: Account? = nil) {
        self.device = device
        self.newAccount = newAccount
    }
}
