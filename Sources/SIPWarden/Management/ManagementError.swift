/// Why a management command did not do what it was asked, worded for the operator. The
/// command line prints it as `sipwarden <command>: <message>` and exits with `exitStatus`.
public enum ManagementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A bad option value or a missing one: exit status 2, like any usage error.
    case usage(String)
    /// The operation was refused (not found, duplicate, weak password, in use): status 1.
    case refused(String)
    /// The database or a file failed: status 1.
    case failed(String)

    public var exitStatus: Int32 {
        switch self {
        case .usage: return 2
        case .refused, .failed: return 1
        }
    }

    public var description: String {
        switch self {
        case .usage(let message), .refused(let message), .failed(let message): return message
        }
    }
}

/// Why a value given on the command line or in a file cannot be used; the caller says where
/// it came from (an option, a line).
public struct InputProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
