/// Why a message was refused, and where.
///
/// Errors are values: the code classifies the failure (and picks the SIP status a server
/// answers with), the detail says what was wrong in words an operator can act on, and the
/// location points at the offending byte. They become 400 reason phrases and log lines.
public struct SIPParseError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case emptyMessage = "empty-message"
        case messageTooLarge = "message-too-large"
        case headerTooLong = "header-too-long"
        case tooManyHeaders = "too-many-headers"
        case tooManyVias = "too-many-vias"
        case uriTooLong = "uri-too-long"
        case bodyTooLarge = "body-too-large"
        case malformedStartLine = "malformed-start-line"
        case unsupportedVersion = "unsupported-version"
        case invalidStatusCode = "invalid-status-code"
        case invalidLineEnding = "invalid-line-ending"
        case malformedHeaderLine = "malformed-header-line"
        case unterminatedHeaderSection = "unterminated-header-section"
        case missingContentLength = "missing-content-length"
        case invalidContentLength = "invalid-content-length"
        case conflictingContentLength = "conflicting-content-length"
        case truncatedBody = "truncated-body"
        case trailingBytes = "trailing-bytes"
        case malformedHeader = "malformed-header"
        case invalidURI = "invalid-uri"
        case valueOutOfRange = "value-out-of-range"
        case missingHeader = "missing-header"
        case duplicateHeader = "duplicate-header"
        case cseqMethodMismatch = "cseq-method-mismatch"

        /// The SIP status a server answers a request refused for this reason with
        /// (RFC 3261 §8.2.2, §21.4.19 413, §21.5.11 513, §21.5.6 505).
        public var suggestedStatus: Int {
            switch self {
            case .unsupportedVersion: return 505
            case .messageTooLarge, .headerTooLong, .tooManyHeaders, .tooManyVias, .uriTooLong:
                return 513
            case .bodyTooLarge: return 413
            default: return 400
            }
        }

        /// Whether the byte stream can no longer be trusted to find the next message
        /// (RFC 3261 §18.3: on a stream, close the connection).
        public var breaksFraming: Bool {
            switch self {
            case .missingContentLength, .invalidContentLength, .conflictingContentLength,
                .messageTooLarge, .headerTooLong, .tooManyHeaders, .bodyTooLarge,
                .unterminatedHeaderSection, .invalidLineEnding, .malformedHeaderLine,
                .malformedStartLine, .emptyMessage, .trailingBytes:
                return true
            default:
                return false
            }
        }
    }

    public var code: Code
    /// What was wrong, in one line (no location).
    public var detail: String
    /// Byte offset from the start of the message.
    public var offset: Int
    /// 1-based line and column (in bytes) of `offset`; 0 until located.
    public var line: Int
    public var column: Int
    /// For errors found after the header section was read (body framing, CSeq/method
    /// mismatch): the message without its body, so a server can still answer 400.
    public internal(set) var partialMessage: SIPMessage? {
        get { partial?.message }
        set { partial = newValue.map(PartialMessage.init) }
    }

    /// Boxed so that the error stays small: typed throws carry it through every parser frame.
    private var partial: PartialMessage?

    public init(_ code: Code, _ detail: String, at offset: Int) {
        self.code = code
        self.detail = detail
        self.offset = offset
        self.line = 0
        self.column = 0
        self.partial = nil
    }

    public var description: String { "\(detail) (line \(line), column \(column))" }

    /// A short reason suitable for a SIP reason phrase: printable ASCII only, bounded length.
    public var reasonPhrase: String {
        let printable = detail.unicodeScalars.map { scalar -> Character in
            (0x20..<0x7F).contains(scalar.value) ? Character(scalar) : "?"
        }
        return String(printable.prefix(100))
    }

    /// Computes `line` and `column` for `offset` within `bytes` (1-based; columns in bytes).
    mutating func locate(in bytes: UnsafeRawBufferPointer) {
        let target = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = 0
        var index = 0
        while index < target {
            if bytes[index] == ASCII.lf {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        self.line = line
        self.column = target - lineStart + 1
    }

    func located(in bytes: UnsafeRawBufferPointer) -> SIPParseError {
        var copy = self
        copy.locate(in: bytes)
        return copy
    }
}

private final class PartialMessage: Sendable {
    let message: SIPMessage
    init(_ message: SIPMessage) { self.message = message }
}
