public import NIOCore

/// A request or response being built to be sent.
///
/// Every part is checked when it is added, so `serialize(into:)` cannot fail and cannot
/// produce a message that another parser would read differently: names must be tokens;
/// values, reason phrases and URIs may not contain CR, LF or NUL; Content-Length is always
/// computed from the body.
public struct SIPOutgoingMessage: Sendable, CustomStringConvertible {
    public enum StartLine: Sendable {
        case request(method: SIPMethod, uri: SIPString)
        case response(statusCode: Int, reasonPhrase: SIPString)
    }

    public struct Header: Sendable, Hashable {
        public let name: SIPString
        public let value: SIPString

        public init(name: SIPString, value: SIPString) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var startLine: StartLine
    public private(set) var headers: [Header] = []
    public private(set) var body = ByteBuffer()

    /// A request line. The URI is checked for characters that would break the line, not
    /// parsed: callers pass URIs they parsed or built.
    public init(method: SIPMethod, uri: String) throws(SIPSerializationError) {
        try self.init(method: method, uri: SIPString(uri))
    }

    public init(method: SIPMethod, uri: SIPString) throws(SIPSerializationError) {
        guard !uri.isEmpty, !uri.buffer.readableBytesView.contains(where: { $0 <= ASCII.space || $0 == 0x7F }) else {
            throw SIPSerializationError(.invalidRequestURI, "Request-URI must be non-empty, without spaces or control characters")
        }
        if case .other(let token) = method {
            guard !token.isEmpty, token.buffer.readableBytesView.allSatisfy(\.isSIPToken) else {
                throw SIPSerializationError(.invalidMethod, "method must be a token")
            }
        }
        startLine = .request(method: method, uri: uri)
    }

    /// A status line; the reason phrase defaults to the RFC's (RFC 3261 §21).
    public init(statusCode: Int, reasonPhrase: String? = nil) throws(SIPSerializationError) {
        guard (100...699).contains(statusCode) else {
            throw SIPSerializationError(.invalidStatusCode, "status code \(statusCode) outside 100-699")
        }
        guard let reasonPhrase else {
            // The RFC's phrases are built once and shared: a response costs no allocation here.
            startLine = .response(statusCode: statusCode, reasonPhrase: SIPReasonPhrases.sipString(for: statusCode))
            return
        }
        let reason = SIPString(reasonPhrase)
        try Self.checkValue(reason, what: "reason phrase")
        startLine = .response(statusCode: statusCode, reasonPhrase: reason)
    }

    /// Appends a header field.
    public mutating func append(_ name: String, _ value: String) throws(SIPSerializationError) {
        try append(SIPString(name), SIPString(value))
    }

    /// Appends a header field with its canonical name.
    public mutating func append(_ name: SIPHeaderName, _ value: String) throws(SIPSerializationError) {
        try append(name, SIPString(value))
    }

    /// Appends a header field with its canonical name, the value given as bytes.
    public mutating func append(_ name: SIPHeaderName, _ value: SIPString) throws(SIPSerializationError) {
        guard name != .extensionHeader else {
            throw SIPSerializationError(.invalidHeaderName, "an extension header needs its name")
        }
        try append(name.canonicalSIPString, value)
    }

    /// Appends a header field from bytes (as copied from a parsed message).
    public mutating func append(_ name: SIPString, _ value: SIPString) throws(SIPSerializationError) {
        try Self.checkHeader(name, value)
        headers.append(Header(name: name, value: value))
    }

    /// The checks of every appended header: the name is a token other than Content-Length,
    /// the value has no CR, LF or NUL.
    static func checkHeader(_ name: SIPString, _ value: SIPString) throws(SIPSerializationError) {
        let isToken = name.buffer.withUnsafeReadableBytes { bytes in !bytes.isEmpty && bytes.allSatisfy(\.isSIPToken) }
        guard isToken else {
            throw SIPSerializationError(.invalidHeaderName, "header name \(name.string.debugDescription) is not a token")
        }
        if name.count <= 14, name.equalsIgnoringCase("content-length") || name.equalsIgnoringCase("l") {
            throw SIPSerializationError(.contentLengthIsComputed, "Content-Length is computed from the body")
        }
        try checkValue(value, what: "value of \(name.string)")
    }

    /// Room for `count` headers, so that appending them does not grow the list step by step.
    public mutating func reserveHeaderCapacity(_ count: Int) {
        headers.reserveCapacity(count)
    }

    /// Removes every field called `name` (case-insensitive, compact forms included).
    public mutating func removeAll(_ name: SIPHeaderName) {
        headers.removeAll { SIPHeaderName($0.name.string) == name }
    }

    /// Sets the body; Content-Length follows it. Content-Type is the caller's to add.
    public mutating func setBody(_ body: ByteBuffer) {
        self.body = body
    }

    /// Writes the message: start line, headers in order, Content-Length, empty line, body.
    public func serialize(into buffer: inout ByteBuffer) {
        DirectByteWriter.write(into: &buffer) { writer in
            switch startLine {
            case .request(let method, let uri):
                writer.write(method.nameSIPString.buffer)
                writer.write(byte: ASCII.space)
                writer.write(uri.buffer)
                writer.write(" SIP/2.0\r\n")
            case .response(let code, let reason):
                writer.write("SIP/2.0 ")
                writer.write(decimal: code)
                writer.write(byte: ASCII.space)
                writer.write(reason.buffer)
                writer.write("\r\n")
            }
            for header in headers {
                writer.write(header.name.buffer)
                writer.write(": ")
                writer.write(header.value.buffer)
                writer.write("\r\n")
            }
            writer.write("Content-Length: ")
            writer.write(decimal: body.readableBytes)
            writer.write("\r\n\r\n")
            writer.write(body)
        }
    }

    /// The message as bytes.
    public var serialized: ByteBuffer {
        var buffer = ByteBuffer()
        serialize(into: &buffer)
        return buffer
    }

    public var description: String { String(buffer: serialized) }

    /// CR, LF and NUL are refused in every value (RFC 3261 §7.3.1 has no escape for them in
    /// a header line; letting one through would let input inject headers).
    static func checkValue(_ value: SIPString, what: @autoclosure () -> String) throws(SIPSerializationError) {
        let bad = value.buffer.withUnsafeReadableBytes { bytes -> UInt8? in
            for byte in bytes where byte <= ASCII.cr && (byte == ASCII.cr || byte == ASCII.lf || byte == ASCII.nul) {
                return byte
            }
            return nil
        }
        if let bad {
            let name = bad == ASCII.nul ? "NUL" : (bad == ASCII.cr ? "CR" : "LF")
            throw SIPSerializationError(.illegalCharacter, "\(name) inside the \(what())")
        }
    }
}

extension SIPOutgoingMessage {
    /// A copy of a parsed message, ready to be changed and sent on: the start line and every
    /// header as received (folded values unfolded to single spaces, RFC 3261 §7.3.1), the body,
    /// and a Content-Length matching the body.
    public init(copying message: SIPMessage) throws(SIPSerializationError) {
        switch message.startLine {
        case .request(let method, let uri):
            try self.init(method: method, uri: uri)
        case .response(let code, let reason):
            try self.init(statusCode: code, reasonPhrase: nil)
            try Self.checkValue(reason, what: "reason phrase")
            startLine = .response(statusCode: code, reasonPhrase: reason)
        }
        for header in message.headers where header.name != .contentLength {
            try append(header.rawName, header.unfoldedValue)
        }
        setBody(message.body)
    }
}
