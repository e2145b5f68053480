import Foundation

/// The server secret behind digest nonces: 32 random bytes in `auth-secret` in the data
/// directory, owner-only, made on first start. Kept across restarts so that nonces handed out
/// before a restart stay good; deleting the file invalidates every outstanding nonce.
enum AuthSecret {
    static let fileName = "auth-secret"
    static let length = 32

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static func load(dataDirectory: String) throws(Problem) -> [UInt8] {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == length else {
                throw Problem(description: "\(path) must hold exactly \(length) bytes (delete it to make a new one)")
            }
            return Array(data)
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        // Created owner-only, never readable by others even for an instant.
        guard FileManager.default.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw Problem(description: "cannot write \(path)")
        }
        return secret
    }
}
