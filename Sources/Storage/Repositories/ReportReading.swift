public import Foundation
import GRDB

/// What the reports read: every call record, ban and unidentified attempt of a period, one
/// at a time (a month of records need not fit in memory).
public protocol ReportReading: Sendable {
    /// Calls started at or after `from` and before `to`, oldest first.
    func forEachCallRecord(from: Date, to: Date, _ body: (CallRecord) throws -> Void) throws
    /// Bans that started at or after `from` and before `to`, oldest first.
    func bans(startedFrom from: Date, to: Date) throws -> [Ban]
    /// Unidentified attempts at or after `from` and before `to`, oldest first.
    func forEachUnidentifiedAttempt(from: Date, to: Date, _ body: (UnidentifiedAttempt) throws -> Void) throws
}

extension AppDatabase: ReportReading {
    public func forEachCallRecord(from: Date, to: Date, _ body: (CallRecord) throws -> Void) throws {
        try writer.read { db in
            let cursor = try CallRecord.filter(Column("startedAt") >= from && Column("startedAt") < to)
                .order(Column("startedAt"), Column("id")).fetchCursor(db)
            while let record = try cursor.next() { try body(record) }
        }
    }

    public func bans(startedFrom from: Date, to: Date) throws -> [Ban] {
        try writer.read { db in
            try Ban.filter(Column("startedAt") >= from && Column("startedAt") < to).order(Column("startedAt"), Column("id")).fetchAll(db)
        }
    }

    public func forEachUnidentifiedAttempt(from: Date, to: Date, _ body: (UnidentifiedAttempt) throws -> Void) throws {
        try writer.read { db in
            let cursor = try UnidentifiedAttempt.filter(Column("occurredAt") >= from && Column("occurredAt") < to)
                .order(Column("occurredAt"), Column("id")).fetchCursor(db)
            while let attempt = try cursor.next() { try body(attempt) }
        }
    }
}
