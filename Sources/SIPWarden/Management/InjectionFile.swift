/// A SIPp injection file (`-inf`) of credentials, as the benchmarks use it: an optional first
/// line `SEQUENTIAL`, `RANDOM` or `USER` (with SIPp's options after a comma), then one
/// `username;password` per line. Lines starting with `#` and blank lines are skipped; CRLF
/// line ends are accepted. Only the syntax is checked here: usernames and passwords are
/// checked by `DeviceImport`, which knows the policy.
public struct InjectionFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// 1-based, as an editor shows it.
        public var line: Int
        public var username: String
        public var password: String

        public init(line: Int, username: String, password: String) {
            self.line = line
            self.username = username
            self.password = password
        }
    }

    /// A line that is not `username;password`.
    public struct LineProblem: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { "line \(line): \(message)" }
    }

    public var entries: [Entry]

    static let orderKeywords: Set<Substring> = ["SEQUENTIAL", "RANDOM", "USER"]

    /// The entries of `text`, or every malformed line.
    public init(parsing text: String) throws(InjectionFileError) {
        var entries: [Entry] = []
        var problems: [LineProblem] = []
        var sawContent = false
        var number = 0
        // Split on the scalar: as Characters, "\r\n" is one grapheme that is not "\n".
        for scalars in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let rawLine = Substring(scalars)
            let line = rawLine.unicodeScalars.last == "\r" ? Substring(rawLine.unicodeScalars.dropLast()) : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.first == "#" { continue }
            defer { sawContent = true }
            // SIPp's first line says how lines are picked; this one has no meaning here.
            if !sawContent, Self.orderKeywords.contains(line.prefix { $0 != "," }) { continue }
            var fields = line.split(separator: ";", omittingEmptySubsequences: false)
            // A trailing ";" (an empty last field) is common in generated files.
            if fields.count == 3, fields[2].isEmpty { fields.removeLast() }
            guard fields.count == 2 else {
                problems.append(LineProblem(line: number, message: "expected username;password, found \(fields.count) field\(fields.count == 1 ? "" : "s")"))
                continue
            }
            guard !fields[1].isEmpty else {
                problems.append(LineProblem(line: number, message: "the password is empty"))
                continue
            }
            entries.append(Entry(line: number, username: String(fields[0]), password: String(fields[1])))
        }
        guard problems.isEmpty else { throw InjectionFileError(problems: problems) }
        self.entries = entries
    }
}

/// Every malformed line of an injection file.
public struct InjectionFileError: Error, Sendable, Equatable {
    public var problems: [InjectionFile.LineProblem]

    public init(problems: [InjectionFile.LineProblem]) {
        self.problems = problems
    }
}
