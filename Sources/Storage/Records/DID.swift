public import GRDB

/// A telephone number that rings a device.
public struct DID: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    /// Digits with an optional leading "+".
    public var number: String
    public var deviceId: Int64

    public init(number: String, deviceId: Int64) {
        self.number = number
        self.deviceId = deviceId
    }

    public static let databaseTableName = "did"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
