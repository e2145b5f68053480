import Foundation
import NIOCore
public import SIPCore

/// The verdict on one file: what `sipwarden check` prints a line for.
public struct MessageCheckResult: Sendable, Encodable {
    public enum Outcome: Sendable {
        case accepted(summary: String, callID: String)
        case refused(SIPParseError)
    }

    public let file: String
    public let outcome: Outcome

    public var isAccepted: Bool {
        if case .accepted = outcome { return true }
        return false
    }

    /// `OK  <file>  <METHOD or status>  <Call-ID>` or `ERROR  <file>: <reason> (line L, column C)`.
    /// Message text is attacker-controlled: control characters are shown escaped.
    public var textLine: String {
        switch outcome {
        case .accepted(let summary, let callID):
            return "OK  \(TerminalText.escape(file))  \(TerminalText.escape(summary))  \(TerminalText.escape(callID))"
        case .refused(let error):
            return "ERROR  \(TerminalText.escape(file)): \(TerminalText.escape(error.description))"
        }
    }

    /// One JSON object on one line.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private enum CodingKeys: String, CodingKey {
        case file, result, summary, callID, code, reason, line, column, status
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        switch outcome {
        case .accepted(let summary, let callID):
            try container.encode("ok", forKey: .result)
            try container.encode(summary, forKey: .summary)
            try container.encode(callID, forKey: .callID)
        case .refused(let error):
            try container.encode("error", forKey: .result)
            try container.encode(error.code.rawValue, forKey: .code)
            try container.encode(error.detail, forKey: .reason)
            try container.encode(error.line, forKey: .line)
            try container.encode(error.column, forKey: .column)
            try container.encode(error.code.suggestedStatus, forKey: .status)
        }
    }
}

/// `sipwarden check`: each file is one SIP message in datagram framing, given the full
/// parse (every known header and every URI validated).
public enum MessageCheck {
    /// A file that could not be read at all: a usage error, not a verdict on a message.
    public struct UnreadableFile: Error, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "cannot read \(TerminalText.escape(file)): \(reason)" }
    }

    /// Checks the bytes of one message.
    public static func check(bytes: [UInt8], file: String, limits: ParserLimits = .default) -> MessageCheckResult {
        switch verdict(on: bytes, limits: limits) {
        case .success(let accepted):
            return MessageCheckResult(file: file, outcome: .accepted(summary: accepted.summary, callID: accepted.callID))
        case .failure(let error):
            return MessageCheckResult(file: file, outcome: .refused(error))
        }
    }

    private static func verdict(on bytes: [UInt8], limits: ParserLimits) -> Result<(summary: String, callID: String), SIPParseError> {
        do throws(SIPParseError) {
            var message = try SIPMessage(parsing: bytes, limits: limits)
            try message.validate()
            let summary = summary(of: message.startLine)
            let callID = (try? message.callID().string) ?? "-"
            return .success((summary, callID))
        } catch {
            return .failure(error)
        }
    }

    /// The method or status code. Not inlined: switching on the start line of a message
    /// inside a typed-throws block crashes the Swift 6.3.1 optimiser (CopyPropagation).
    @inline(never)
    private static func summary(of startLine: SIPStartLine) -> String {
        switch startLine {
        case .request(let method, _): return method.name
        case .response(let statusCode, _): return String(statusCode)
        }
    }

    /// Reads and checks one file. At most `maxMessageSize + 1` bytes are read, so a huge
    /// file is refused as too large without being loaded.
    public static func check(file: String, limits: ParserLimits = .default) throws(UnreadableFile) -> MessageCheckResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw UnreadableFile(file: file, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw UnreadableFile(file: file, reason: "is a directory") }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw UnreadableFile(file: file, reason: "permission denied")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limits.maxMessageSize + 1) ?? Data()
        } catch {
            throw UnreadableFile(file: file, reason: error.localizedDescription)
        }
        return check(bytes: Array(data), file: file, limits: limits)
    }
}

/// Text shown on a terminal (see `SafeText`).
public enum TerminalText {
    public static func escape(_ text: String) -> String { SafeText.escape(text) }
}
