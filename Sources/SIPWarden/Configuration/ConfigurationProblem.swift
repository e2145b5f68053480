/// One thing wrong with the configuration, named by its key.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The key (`sip.tcp.idle_timeout`), the environment variable, or `(file)`.
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}

/// The configuration could not be used; every problem found is listed.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let problems: [ConfigurationProblem]

    public init(_ problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
