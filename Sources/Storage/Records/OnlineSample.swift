public import Foundation
public import GRDB

/// How many devices had a live registration at a moment (the online report).
public struct OnlineSample: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var at: Date
    /// Devices with at least one binding.
    public var devices: Int
    /// Bindings (contacts) in all.
    public var bindings: Int

    public init(at: Date, devices: Int, bindings: Int) {
        self.at = at
        self.devices = devices
        self.bindings = bindings
    }

    public static let databaseTableName = "onlineSample"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
