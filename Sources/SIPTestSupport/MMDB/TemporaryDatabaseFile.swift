import Foundation

/// A database (or any bytes) written to a unique temporary file, for code that takes a path.
/// For tests only.
public enum TemporaryDatabaseFile {
    /// Writes `bytes` to a new file named `sipwarden-test-<UUID>.<fileExtension>` in the
    /// temporary directory and returns its path; the caller removes it.
    public static func write(_ bytes: [UInt8], fileExtension: String = "mmdb") throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sipwarden-test-\(UUID().uuidString).\(fileExtension)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Runs `body` with the path of a file holding `bytes`, removed when `body` returns.
    public static func withFile<T>(_ bytes: [UInt8], fileExtension: String = "mmdb", _ body: (String) throws -> T) throws -> T {
        let path = try write(bytes, fileExtension: fileExtension)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// Runs the asynchronous `body` with the path of a file holding `bytes`, removed when
    /// `body` returns.
    public static func withFile<T>(
        _ bytes: [UInt8], fileExtension: String = "mmdb", isolation: isolated (any Actor)? = #isolation,
        _ body: (String) async throws -> T
    ) async throws -> T {
        let path = try write(bytes, fileExtension: fileExtension)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }
}
