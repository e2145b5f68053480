import GeoIP
import SIPTestSupport
import Testing

/// Crafted files: a one-node IPv4 tree whose two records both point at `recordTarget` in a
/// hand-written data section, so each test controls exactly the bytes a lookup decodes.
enum HostileFile {
    /// Where the data section of `oneNode` starts with 24-bit records: 6 bytes of node, 16 of
    /// separator. Errors report absolute offsets, so tests add this.
    static let dataStart = 22

    static func metadata(nodeCount: Int = 1, recordSize: Int = 24, ipVersion: Int = 4) -> MMDBFixtureValue {
        MMDBFixtureWriter.metadata(
            nodeCount: nodeCount, recordSize: recordSize, ipVersion: ipVersion, databaseType: "Crafted")
    }

    static func oneNode(data: [UInt8], recordTarget: Int = 0, metadata: MMDBFixtureValue = metadata()) -> [UInt8] {
        let record = 1 + 16 + recordTarget
        return MMDBFixtureWriter.assemble(recordSize: 24, records: [(record, record)], data: data, metadata: metadata)
    }

    /// The `MMDBError` `body` throws, or nil (any other error is recorded as an issue).
    static func error(_ body: () throws -> Void) -> MMDBError? {
        do {
            try body()
            return nil
        } catch let error as MMDBError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }
}
