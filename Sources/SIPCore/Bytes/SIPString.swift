public import NIOCore

/// A run of bytes taken from a SIP message, shown as text only when asked.
///
/// Parsed values (branches, tags, hosts, Call-IDs) are views that share the receive buffer,
/// so reading a header costs no allocation; `string` decodes UTF-8 on demand, replacing
/// invalid sequences. Equality and hashing are byte-wise, which is what SIP asks for
/// tags, branches and Call-IDs (RFC 3261 §17.2.3, §19.3).
public struct SIPString: Sendable, Hashable, Comparable, CustomStringConvertible,
    CustomDebugStringConvertible, ExpressibleByStringLiteral
{
    /// The bytes; the readable bytes of this buffer are the string.
    public let buffer: ByteBuffer

    public init(buffer: ByteBuffer) { self.buffer = buffer }

    public init(_ string: String) { self.buffer = ByteBuffer(string: string) }

    public init(_ bytes: some Sequence<UInt8>) { self.buffer = ByteBuffer(bytes: bytes) }

    public init(stringLiteral value: String) { self.init(value) }

    /// The text, decoded as UTF-8 (invalid sequences become U+FFFD).
    public var string: String { String(decoding: buffer.readableBytesView, as: UTF8.self) }

    public var description: String { string }

    public var debugDescription: String { string.debugDescription }

    public var count: Int { buffer.readableBytes }

    public var isEmpty: Bool { buffer.readableBytes == 0 }

    /// The bytes as an array (an allocation; for tests and cold paths).
    public var bytes: [UInt8] { Array(buffer.readableBytesView) }

    /// Byte-wise comparison ignoring ASCII case, as RFC 3261 §7.3.1 asks for header names,
    /// parameter names and most tokens.
    public func equalsIgnoringCase(_ other: String) -> Bool {
        var other = other
        return other.withUTF8 { otherBytes in
            buffer.withUnsafeReadableBytes { mine in
                guard mine.count == otherBytes.count else { return false }
                for index in 0..<mine.count
                where mine[index].asciiLowercased != otherBytes[index].asciiLowercased {
                    return false
                }
                return true
            }
        }
    }

    /// Byte-wise comparison ignoring ASCII case.
    public func equalsIgnoringCase(_ other: SIPString) -> Bool {
        buffer.withUnsafeReadableBytes { mine in
            other.buffer.withUnsafeReadableBytes { theirs in
                guard mine.count == theirs.count else { return false }
                for index in 0..<mine.count
                where mine[index].asciiLowercased != theirs[index].asciiLowercased {
                    return false
                }
                return true
            }
        }
    }

    /// Whether the bytes begin with `prefix` (exact bytes).
    public func hasPrefix(_ prefix: String) -> Bool {
        let view = buffer.readableBytesView
        return view.count >= prefix.utf8.count && view.prefix(prefix.utf8.count).elementsEqual(prefix.utf8)
    }

    public static func == (lhs: SIPString, rhs: String) -> Bool {
        lhs.buffer.readableBytesView.elementsEqual(rhs.utf8)
    }

    public static func == (lhs: String, rhs: SIPString) -> Bool { rhs == lhs }

    public static func != (lhs: SIPString, rhs: String) -> Bool { !(lhs == rhs) }

    public static func < (lhs: SIPString, rhs: SIPString) -> Bool {
        lhs.buffer.readableBytesView.lexicographicallyPrecedes(rhs.buffer.readableBytesView)
    }
}

extension ByteBuffer {
    /// A view of `range` (offsets from the reader index) as a `SIPString`, sharing storage.
    @inline(__always)
    func sipString(_ range: Range<Int>) -> SIPString {
        SIPString(buffer: getSlice(at: readerIndex + range.lowerBound, length: range.count)!)
    }
}
