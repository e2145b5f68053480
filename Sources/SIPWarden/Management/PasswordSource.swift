import Foundation

/// Where a password comes from. Never from an option value: those end up in shell history
/// and in every user's `ps` listing.
public enum PasswordSource: Sendable, Equatable, CustomStringConvertible {
    /// The first line of standard input.
    case standardInput
    /// The first line of a file (a trailing line break is ignored).
    case file(String)
    /// A strong random one, printed once.
    case generate
    /// A password typed into the web console or sent to the JSON API, as received. The
    /// command line never makes one: an option value is not a place for a password.
    case value(String)

    /// Never the password itself, should a source end up in a message or a log.
    public var description: String {
        switch self {
        case .standardInput: return "standard input"
        case .file(let path): return "file \(path)"
        case .generate: return "generated"
        case .value: return "a given value"
        }
    }

    /// The one source the flags name, or nil when none does and none is required.
    public static func choose(
        standardInput: Bool, file: String?, generate: Bool, generateAllowed: Bool = true, required: Bool
    ) throws(ManagementError) -> PasswordSource? {
        var chosen: [PasswordSource] = []
        if standardInput { chosen.append(.standardInput) }
        if let file { chosen.append(.file(file)) }
        if generate { chosen.append(.generate) }
        let names = generateAllowed ? "--password-stdin, --password-file or --generate" : "--password-stdin or --password-file"
        if chosen.count > 1 { throw .usage("give only one of \(names)") }
        if chosen.isEmpty, required { throw .usage("a password is required: give \(names)") }
        return chosen.first
    }

    /// The password as given; `.generate` is the caller's to handle.
    func read(standardInput readLine: () -> String? = { Swift.readLine(strippingNewline: true) }) throws(ManagementError) -> String {
        var text: String
        switch self {
        case .standardInput:
            guard let line = readLine() else { throw .usage("--password-stdin: standard input is empty") }
            text = line
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .usage("--password-file: cannot read \(path)")
            }
            guard let contents = String(data: data, encoding: .utf8) else {
                throw .usage("--password-file: \(path) is not UTF-8 text")
            }
            text = contents
            // One line, its line break not part of the password.
            if text.unicodeScalars.last == "\n" { text.unicodeScalars.removeLast() }
        case .generate:
            throw .usage("--generate has no password to read")
        case .value(let password):
            return password
        }
        if text.unicodeScalars.last == "\r" { text.unicodeScalars.removeLast() }
        return text
    }
}
