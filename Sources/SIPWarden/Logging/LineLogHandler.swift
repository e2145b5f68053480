import Foundation
public import Logging
import SIPCore
import Synchronization

/// The level every `LineLogHandler` logs at; changed at run time by a reload.
public final class SharedLogLevel: Sendable {
    private let level: Mutex<Logger.Level>

    public init(_ level: Logger.Level) {
        self.level = Mutex(level)
    }

    public var value: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}

/// One line per event on standard error: time, level, label, message, then `key=value`
/// metadata sorted by key. Every value is escaped (`SafeText`), so data from the network
/// cannot forge or break log lines.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sharedLevel: SharedLogLevel
    private let sink: @Sendable (String) -> Void

    public init(label: String, level: SharedLogLevel, sink: @escaping @Sendable (String) -> Void = LineLogHandler.standardError) {
        self.label = label
        self.sharedLevel = level
        self.sink = sink
    }

    public var logLevel: Logger.Level {
        get { sharedLevel.value }
        set { sharedLevel.value = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "\(Self.timestamp()) \(event.level.rawValue.uppercased()) \(label): \(SafeText.escape(event.message.description))"
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.format(merged[key]!))"
        }
        sink(line)
    }

    private static func format(_ value: Logger.Metadata.Value) -> String {
        let text = SafeText.escape(value.description)
        return text.contains(" ") || text.isEmpty ? "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : text
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().timeZone(separator: .omitted).time(includingFractionalSeconds: true))
    }

    @Sendable public static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

extension Logger.Level {
    init(_ setting: LogLevelSetting) {
        self = Logger.Level(rawValue: setting.rawValue) ?? .info
    }
}
