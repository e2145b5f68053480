import Foundation

/// A SIP message as a test client reads it back from the server. Parsed independently of
/// SIPCore (a few lines of splitting), so that a serializer bug is not hidden by the same
/// parser reading its own output.
struct TestMessage: Sendable, CustomStringConvertible {
    let raw: [UInt8]
    let startLine: String
    /// Header rows in order, names as written; continuation lines are unfolded.
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    /// RFC 3261 §7.3.3 compact forms, for the rows a test looks up.
    private static let compactForms: [String: String] = [
        "v": "via", "f": "from", "t": "to", "i": "call-id", "l": "content-length", "m": "contact",
        "k": "supported", "c": "content-type", "s": "subject", "e": "content-encoding",
    ]

    static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        return compactForms[lower] ?? lower
    }

    /// The status code of a response; nil for a request.
    var statusCode: Int? {
        let parts = startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "SIP/2.0" else { return nil }
        return Int(parts[1])
    }

    /// Everything after the status code (empty when there is none).
    var reasonPhrase: String {
        let parts = startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[2]) : ""
    }

    /// Every row of the header `name` (long or compact form), values trimmed.
    func values(_ name: String) -> [String] {
        let wanted = Self.canonical(name)
        return headers.filter { Self.canonical($0.name) == wanted }.map(\.value)
    }

    func value(_ name: String) -> String? { values(name).first }

    /// Comma-separated elements across every row of a list header (Allow, Supported...).
    func listValues(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",") }.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    var callID: String? { value("call-id") }

    /// The method of the CSeq header.
    var cseqMethod: String? {
        value("cseq").flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.map(String.init) }
    }

    /// The first value of the first Via row.
    var topVia: String? {
        value("via").flatMap { $0.split(separator: ",").first.map { $0.trimmingWhitespace() } }
    }

    /// The tag parameter of To.
    var toTag: String? { value("to").flatMap(Self.tag(in:)) }

    static func tag(in value: String) -> String? {
        let params = value.lastIndex(of: ">").map { String(value[$0...]) } ?? value
        for part in params.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "tag" {
                return pair[1].trimmingWhitespace()
            }
        }
        return nil
    }

    /// The parameters of a Via value, names lower-cased; a parameter without value maps to "".
    static func viaParameters(_ via: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in via.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            let name = pair[0].trimmingWhitespace().lowercased()
            result[name] = pair.count == 2 ? pair[1].trimmingWhitespace() : ""
        }
        return result
    }

    var description: String {
        String(decoding: raw.prefix(600), as: UTF8.self).replacingCRLF()
    }

    // MARK: - Parsing

    /// A whole datagram as one message; nil when it is not a SIP message at all.
    static func parse(datagram: [UInt8]) -> TestMessage? {
        guard let end = headEnd(datagram, from: 0) else { return nil }
        return make(raw: datagram, headLength: end, body: Array(datagram[(end + 4)...]))
    }

    /// Cuts the complete messages off the front of a byte stream. CRLFs between messages are
    /// skipped (and counted: a server's keep-alive pongs). Returns nil in `messages` position
    /// never; the remainder is what is not a complete message yet.
    static func frames(from stream: [UInt8]) -> (messages: [TestMessage], lineBreaks: Int, remainder: ArraySlice<UInt8>) {
        var messages: [TestMessage] = []
        var lineBreaks = 0
        var index = 0
        while index < stream.count {
            if stream[index] == 13, index + 1 < stream.count, stream[index + 1] == 10 {
                lineBreaks += 1
                index += 2
                continue
            }
            guard let end = headEnd(stream, from: index) else { break }
            let head = Array(stream[index..<end])
            let length = contentLength(head) ?? 0
            let total = end + 4 + length
            guard total <= stream.count else { break }
            if let message = make(raw: Array(stream[index..<total]), headLength: end - index, body: Array(stream[(end + 4)..<total])) {
                messages.append(message)
            }
            index = total
        }
        return (messages, lineBreaks, stream[index...])
    }

    private static func headEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = start
        while index + 3 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }

    private static func contentLength(_ head: [UInt8]) -> Int? {
        let (_, headers) = splitHead(head)
        return headers.first { canonical($0.name) == "content-length" }.flatMap { Int($0.value) }
    }

    private static func splitHead(_ head: [UInt8]) -> (String, [(name: String, value: String)]) {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let startLine = lines.isEmpty ? "" : lines.removeFirst()
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line.trimmingWhitespace()
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((line[..<colon].trimmingWhitespace(), line[line.index(after: colon)...].trimmingWhitespace()))
        }
        return (startLine, headers)
    }

    private static func make(raw: [UInt8], headLength: Int, body: [UInt8]) -> TestMessage? {
        let (startLine, headers) = splitHead(Array(raw.prefix(headLength)))
        guard startLine.hasPrefix("SIP/2.0 ") || startLine.hasSuffix(" SIP/2.0") else { return nil }
        return TestMessage(raw: raw, startLine: startLine, headers: headers, body: body)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }

    /// For failure messages: CR and LF made visible.
    func replacingCRLF() -> String {
        var result = ""
        for character in self {
            switch character {
            case "\r\n": result += "\\r\\n\n"
            case "\r": result += "\\r"
            case "\n": result += "\\n\n"
            default: result.append(character)
            }
        }
        return result
    }
}
