import Foundation
import Guard
import SIPCore
import SIPTestSupport

/// Loading the captured packets of `Tests/Fixtures/scanners` (see its README for how each
/// was produced) and the contexts the scanner tests use.
enum ScannerFixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        try Fixtures.bytes("scanners/" + name)
    }

    static func message(_ name: String) throws -> SIPMessage {
        try SIPMessage(parsing: bytes(name))
    }

    /// The fixture with `header` inserted after the start line.
    static func message(_ name: String, adding header: String) throws -> SIPMessage {
        var text = String(decoding: try bytes(name), as: UTF8.self)
        let firstLineEnd = text.range(of: "\r\n")!
        text.insert(contentsOf: header + "\r\n", at: firstLineEnd.upperBound)
        return try SIPMessage(parsing: text)
    }

    /// The fixture with its first line matching `prefix` replaced by `replacement`.
    static func message(_ name: String, replacingLine prefix: String, with replacement: String) throws -> SIPMessage {
        let text = String(decoding: try bytes(name), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").map { $0.hasPrefix(prefix) ? replacement : $0 }
        return try SIPMessage(parsing: lines.joined(separator: "\r\n"))
    }
}

extension ScannerContext {
    /// A source we do not know, on a switch whose users are `users`.
    static func unknownSource(users: Set<String>) -> ScannerContext {
        ScannerContext(isKnownSource: false, isLocalUser: { users.contains($0) })
    }
}

extension ScannerFingerprints {
    /// The identifiers of every rule that matches.
    func ruleIDs(_ message: SIPMessage, _ context: ScannerContext) -> [String] {
        var message = message
        return matches(&message, context: context).map(\.rule)
    }

    /// The first match.
    func first(_ message: SIPMessage, _ context: ScannerContext) -> ScannerMatch? {
        var message = message
        return match(&message, context: context)
    }
}
