import NIOCore

/// Where one header field lies in the message bytes. Offsets are 32-bit because messages
/// are bounded by `ParserLimits.maxMessageSize`; the table of a typical message fits in a
/// few cache lines.
struct SIPHeaderField: Sendable {
    let name: SIPHeaderName
    let nameStart: UInt32
    let nameEnd: UInt32
    /// The value with surrounding whitespace trimmed; folded lines stay inside it.
    let valueStart: UInt32
    let valueEnd: UInt32

    var nameRange: Range<Int> { Int(nameStart)..<Int(nameEnd) }
    var valueRange: Range<Int> { Int(valueStart)..<Int(valueEnd) }
}

/// One header field of a parsed message, as received.
public struct SIPHeader: Sendable, CustomStringConvertible {
    /// The header this name stands for (`.extensionHeader` for unknown ones).
    public let name: SIPHeaderName
    /// The name as written (`v`, `VIA`, `X-Custom`...).
    public let rawName: SIPString
    /// The value as written, without surrounding whitespace; folded lines keep their CRLF.
    public let value: SIPString

    /// The value with each folded line break and its indentation replaced by one space
    /// (RFC 3261 §7.3.1 lets any LWS be replaced by a single SP).
    public var unfoldedValue: SIPString {
        let bytes = value.buffer.readableBytesView
        guard bytes.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf }) else { return value }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == ASCII.cr || byte == ASCII.lf {
                while output.last == ASCII.space || output.last == ASCII.tab { output.removeLast() }
                var next = index
                while next < bytes.endIndex, bytes[next].isSIPLinearWhitespace { next = bytes.index(after: next) }
                output.append(ASCII.space)
                index = next
            } else {
                output.append(byte)
                index = bytes.index(after: index)
            }
        }
        return SIPString(output)
    }

    public var description: String { "\(rawName): \(unfoldedValue)" }
}

/// The header fields of a message in order, without copying them.
public struct SIPHeaders: RandomAccessCollection, Sendable {
    let base: ByteBuffer
    let fields: [SIPHeaderField]

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }

    public subscript(position: Int) -> SIPHeader {
        let field = fields[position]
        return SIPHeader(name: field.name, rawName: base.sipString(field.nameRange), value: base.sipString(field.valueRange))
    }

    /// The values of every field called `name` (compact forms and case folded), in order.
    public func values(_ name: SIPHeaderName) -> [SIPString] {
        fields.lazy.filter { $0.name == name }.map { base.sipString($0.valueRange) }
    }

    /// The values of every field with this name; names are compared as RFC 3261 §7.3.1 says
    /// (case-insensitive; `v` and `Via` are the same header).
    public func values(named name: String) -> [SIPString] {
        let known = SIPHeaderName(name)
        if known != .extensionHeader { return values(known) }
        return self.filter { $0.name == .extensionHeader && $0.rawName.equalsIgnoringCase(name) }.map(\.value)
    }

    /// Whether at least one field called `name` is present.
    public func contains(_ name: SIPHeaderName) -> Bool { fields.contains { $0.name == name } }

    /// How many fields called `name` are present.
    public func count(_ name: SIPHeaderName) -> Int { fields.reduce(0) { $0 + ($1.name == name ? 1 : 0) } }
}
