import Foundation

/// A database written to a unique temporary file for the path-taking initializer, removed
/// when the body returns.
enum TemporaryDatabaseFile {
    static func withFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("geoip-test-\(UUID().uuidString).mmdb")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }
}
