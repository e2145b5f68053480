import NIOCore

/// One `name[=value]` parameter of a header, URI or credentials list.
public struct SIPParameter: Sendable, Hashable, CustomStringConvertible {
    public let name: SIPString
    /// The value as written (quotes and escapes included), nil for a flag parameter.
    public let rawValue: SIPString?

    /// The value with quotes removed and quoted-pairs unescaped (RFC 3261 §25.1).
    public var value: String? {
        guard let rawValue else { return nil }
        let bytes = rawValue.buffer.readableBytesView
        guard bytes.count >= 2, bytes.first == ASCII.quote, bytes.last == ASCII.quote else {
            return rawValue.string
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var escaped = false
        for byte in bytes.dropFirst().dropLast() {
            if !escaped && byte == ASCII.backslash {
                escaped = true
                continue
            }
            escaped = false
            output.append(byte)
        }
        return String(decoding: output, as: UTF8.self)
    }

    public var description: String {
        rawValue.map { "\(name)=\($0)" } ?? name.string
    }
}

/// A lazily read list of parameters: `;a=b;c` after a header value or URI, `&`-joined URI
/// headers, or the comma-separated parameters of digest credentials.
///
/// The owning parser validated the grammar; iteration only splits, so reading parameters
/// costs no allocation until a value is turned into a `String`.
public struct SIPParameters: Sendable, Sequence, CustomStringConvertible {
    let base: ByteBuffer
    let range: Range<Int>
    let separator: UInt8

    init(base: ByteBuffer, range: Range<Int>, separator: UInt8 = ASCII.semicolon) {
        self.base = base
        self.range = range
        self.separator = separator
    }

    /// No parameters.
    public static let empty = SIPParameters(base: ByteBuffer(), range: 0..<0)

    /// The parameters as written, including the leading separator if there was one.
    public var text: SIPString { base.sipString(range) }

    public var description: String { text.string }

    public var isEmpty: Bool {
        var iterator = makeIterator()
        return iterator.next() == nil
    }

    /// The first parameter called `name` (names compare case-insensitively, RFC 3261 §7.3.1).
    public subscript(name: String) -> SIPParameter? {
        first { $0.name.equalsIgnoringCase(name) }
    }

    /// Whether a parameter called `name` is present, with or without a value.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    public func makeIterator() -> Iterator {
        Iterator(base: base, position: range.lowerBound, end: range.upperBound, separator: separator)
    }

    public struct Iterator: IteratorProtocol {
        let base: ByteBuffer
        var position: Int
        let end: Int
        let separator: UInt8

        public mutating func next() -> SIPParameter? {
            base.withUnsafeReadableBytes { bytes in
                var cursor = ByteCursor(bytes, position..<end)
                defer { position = cursor.index }
                while true {
                    cursor.skipLinearWhitespace()
                    guard let byte = cursor.current else { return nil }
                    if byte == separator { cursor.advance(); continue }
                    break
                }
                let stopsName: (UInt8) -> Bool = { [separator] byte in
                    byte == separator || byte == ASCII.equals || byte.isSIPLinearWhitespace
                }
                let nameRange = cursor.scan(until: stopsName)
                guard !nameRange.isEmpty else {
                    cursor.index = cursor.end  // unreadable: stop rather than loop
                    return nil
                }
                let afterName = cursor.index
                var valueRange: Range<Int>?
                if cursor.consumeSeparator(ASCII.equals) {
                    if cursor.current == ASCII.quote, case .ok(let quoted) = cursor.scanQuotedString() {
                        valueRange = quoted
                    } else {
                        let separator = self.separator
                        valueRange = cursor.scan { byte in
                            byte == separator || byte.isSIPLinearWhitespace
                                || (separator == ASCII.semicolon && byte == ASCII.comma)
                        }
                    }
                } else {
                    cursor.index = afterName
                }
                return SIPParameter(
                    name: base.sipString(nameRange),
                    rawValue: valueRange.map { base.sipString($0) }
                )
            }
        }
    }
}
