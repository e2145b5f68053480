import Foundation

/// Reads a whole file into memory. A GeoLite2-Country database is a few megabytes; holding it
/// as bytes keeps the reader a plain `Sendable` value with no file handle to share or close.
enum MMDBFileLoader {
    static func bytes(atPath path: String) throws(MMDBError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .fileUnreadable(path: path, reason: error.localizedDescription)
        }
    }
}
