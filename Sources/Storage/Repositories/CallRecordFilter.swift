public import Foundation

/// Which call records to read: every condition given must hold. Records are read newest
/// first, `offset` skipped, at most `limit` returned.
public struct CallRecordFilter: Sendable, Equatable {
    /// Started at or after.
    public var from: Date?
    /// Started before: `from` and `to` of consecutive periods never count a record twice.
    public var to: Date?
    public var accountId: Int64?
    public var deviceId: Int64?
    public var cause: String?
    public var limit: Int
    public var offset: Int

    public init(
        from: Date? = nil, to: Date? = nil, accountId: Int64? = nil, deviceId: Int64? = nil, cause: String? = nil,
        limit: Int = 100, offset: Int = 0
    ) {
        self.from = from
        self.to = to
        self.accountId = accountId
        self.deviceId = deviceId
        self.cause = cause
        self.limit = limit
        self.offset = offset
    }
}
