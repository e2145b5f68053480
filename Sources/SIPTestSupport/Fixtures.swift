public import Foundation

/// Files under `Tests/Fixtures`, found from this source file's location so that tests run
/// from any working directory.
public enum Fixtures {
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SIPTestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Tests/Fixtures", isDirectory: true)

    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relativePath)))
    }
}

/// One row of the torture corpus's `expected.tsv`.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    public enum Verdict: String, Sendable { case accept, reject }

    /// Path relative to `Tests/Fixtures/conformance`.
    public let path: String
    public let verdict: Verdict
    public let section: String
    public let title: String
    public let note: String

    public var description: String { "\(path) (\(section) \(title))" }

    public var isDebated: Bool { note.contains("debated") }

    public var url: URL { Fixtures.url("conformance/" + path) }

    public func bytes() throws -> [UInt8] { Array(try Data(contentsOf: url)) }

    /// Every row of `expected.tsv`, in file order.
    public static func all() throws -> [ConformanceCase] {
        let text = try String(contentsOf: Fixtures.url("conformance/expected.tsv"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 5, let verdict = Verdict(rawValue: columns[1]) else {
                throw FixtureError.malformedRow(String(line))
            }
            return ConformanceCase(path: columns[0], verdict: verdict, section: columns[2], title: columns[3], note: columns[4])
        }
    }

    /// `all()` for use in `@Test(arguments:)`, where a throwing call is awkward.
    public static var allOrEmpty: [ConformanceCase] { (try? all()) ?? [] }
}

public enum FixtureError: Error {
    case malformedRow(String)
}
