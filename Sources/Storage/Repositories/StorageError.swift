/// A write the database refused, worded for the operator.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    case duplicate(String)
    case notFound(String)
    case inUse(String)

    public var description: String {
        switch self {
        case .duplicate(let what): return "\(what) already exists"
        case .notFound(let what): return "\(what) not found"
        case .inUse(let what): return "\(what) is still in use"
        }
    }
}
