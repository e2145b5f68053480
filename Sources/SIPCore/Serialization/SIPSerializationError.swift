/// Why a message could not be built. Building refuses input that would change the meaning
/// of the message on the wire, so a value can never smuggle in a header or end the message.
public struct SIPSerializationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// CR, LF or NUL inside a value: header injection (or C-string truncation downstream).
        case illegalCharacter = "illegal-character"
        case invalidHeaderName = "invalid-header-name"
        case invalidMethod = "invalid-method"
        case invalidRequestURI = "invalid-request-uri"
        case invalidStatusCode = "invalid-status-code"
        case invalidTag = "invalid-tag"
        /// Content-Length is written from the body, never taken from the caller.
        case contentLengthIsComputed = "content-length-is-computed"
        case bodyTooLarge = "body-too-large"
        /// A one-pass response came out larger than it was counted (a bug, refused rather
        /// than sent in part).
        case sizeMismatch = "size-mismatch"
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail }
}
