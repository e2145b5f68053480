public import NIOCore

/// Cuts SIP messages out of a byte stream (TCP, TLS), as RFC 3261 §18.3 says: the header
/// section ends at the first empty line and Content-Length, which is required, gives the
/// body. Input may arrive split at any byte.
///
/// Each byte is scanned once: the search for the end of the header section resumes where the
/// previous call stopped, and the header section is parsed once, when it is complete.
/// CRLFs between messages are skipped (§7.5), and a double CRLF is reported as an RFC 5626
/// §3.5.1 keep-alive ping, which the transport answers with a single CRLF.
///
/// On garbage (a first line that is not a SIP start line, a header section that does not
/// end within the size limit, a missing or bad Content-Length) the framer does not try to
/// resynchronise, as it cannot know where the next message starts: it reports a fatal error,
/// keeps reporting it, and the transport closes the connection.
public struct SIPStreamFramer: Sendable {
    public enum Frame: Sendable {
        case message(SIPMessage)
        /// CRLFCRLF (RFC 5626 §3.5.1): answer with CRLF.
        case keepAlivePing
    }

    private enum State: Sendable {
        case betweenMessages
        /// Looking for the empty line; `scanned` bytes are known not to end the header section,
        /// `lineScanned` bytes not to end the first line, and `startLineChecked` tells whether
        /// the first line has been vetted. Both scans resume where they stopped: a peer sending
        /// one byte at a time costs linear work, not quadratic.
        case readingHead(scanned: Int, lineScanned: Int, startLineChecked: Bool)
        case readingBody(head: ParsedHead, total: Int)
        case failed(SIPParseError)
    }

    public let limits: ParserLimits
    private var state = State.betweenMessages

    public init(limits: ParserLimits = .default) {
        self.limits = limits
    }

    /// Whether a fatal framing error has occurred (the connection should be closed).
    public var hasFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// Removes and returns the next frame from the front of `buffer`, or returns nil when more
    /// bytes are needed. Throws a fatal error when the stream cannot be framed.
    public mutating func next(from buffer: inout ByteBuffer) throws(SIPParseError) -> Frame? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .betweenMessages:
                guard let skipped = try skipLineBreaks(&buffer) else { return nil }
                if skipped { return .keepAlivePing }
                state = .readingHead(scanned: 0, lineScanned: 0, startLineChecked: false)
            case .readingHead(let scanned, let lineScanned, let startLineChecked):
                guard let head = try readHead(buffer, scanned: scanned, lineScanned: lineScanned, startLineChecked: startLineChecked) else {
                    return nil
                }
                state = .readingBody(head: head.head, total: head.total)
            case .readingBody(let head, let total):
                guard buffer.readableBytes >= total else { return nil }
                let frame = buffer.readSlice(length: total)!
                state = .betweenMessages
                do {
                    return .message(try SIPMessage(base: frame, head: head, framing: .stream, limits: limits))
                } catch {
                    throw fail(error)
                }
            }
        }
    }

    /// Records a fatal error. Errors found before a message's bytes are located here: they
    /// lie on the first line of what remains of the stream.
    private mutating func fail(_ error: SIPParseError) -> SIPParseError {
        var error = error
        if error.line == 0 {
            error.line = 1
            error.column = error.offset + 1
        }
        state = .failed(error)
        return error
    }

    /// Consumes CRLFs before a message. Returns true after a double CRLF (a ping), false when
    /// a message starts, nil when more bytes are needed to tell.
    private mutating func skipLineBreaks(_ buffer: inout ByteBuffer) throws(SIPParseError) -> Bool? {
        while true {
            let view = buffer.readableBytesView
            guard let first = view.first else { return nil }
            if first != ASCII.cr && first != ASCII.lf { return false }
            guard first == ASCII.cr else {
                throw fail(SIPParseError(.invalidLineEnding, "LF alone between messages", at: 0))
            }
            guard view.count >= 2 else { return nil }
            guard view[view.startIndex + 1] == ASCII.lf else {
                throw fail(SIPParseError(.invalidLineEnding, "CR not followed by LF between messages", at: 0))
            }
            guard view.count >= 3 else { return nil }
            if view[view.startIndex + 2] == ASCII.cr {
                guard view.count >= 4 else { return nil }
                if view[view.startIndex + 3] == ASCII.lf {
                    buffer.moveReaderIndex(forwardBy: 4)
                    return true
                }
            }
            buffer.moveReaderIndex(forwardBy: 2)  // a lone CRLF before a start line (§7.5)
        }
    }

    /// Scans for the empty line ending the header section and parses the header section once
    /// it is complete; nil while more bytes are needed.
    private mutating func readHead(
        _ buffer: ByteBuffer, scanned: Int, lineScanned: Int, startLineChecked: Bool
    ) throws(SIPParseError) -> (head: ParsedHead, total: Int)? {
        let limits = self.limits
        let outcome = buffer.withUnsafeReadableBytes { bytes -> Result<(head: ParsedHead, total: Int)?, SIPParseError> in
            Result { () throws(SIPParseError) -> (head: ParsedHead, total: Int)? in
                var checked = startLineChecked
                var lineProgress = lineScanned
                if !checked {
                    switch try firstLineEnd(bytes, from: lineScanned) {
                    case .found(let lineEnd):
                        try MessageHeadParser.checkStartLine(bytes, 0..<lineEnd, limits: limits)
                        checked = true
                    case .incomplete(let scannedUpTo):
                        lineProgress = scannedUpTo
                    }
                }
                var index = max(0, scanned - 3)
                // Only the first maxMessageSize bytes can hold a header section, whatever the
                // chunking: the verdict on a stream must not depend on how it was split.
                let end = min(bytes.count, limits.maxMessageSize)
                while index + 3 < end {
                    if bytes[index + 3] != ASCII.lf {  // CRLFCRLF ends with LF: skip ahead fast
                        index += bytes[index + 3] == ASCII.cr ? 1 : 4
                        continue
                    }
                    if bytes[index] == ASCII.cr, bytes[index + 1] == ASCII.lf, bytes[index + 2] == ASCII.cr {
                        let headLength = index + 4
                        let head = try MessageHeadParser.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<headLength]), limits: limits)
                        if head.deferredProblem != nil || head.contentLength == nil {
                            // Completing the message throws the problem (a deferred one, or the
                            // missing Content-Length) with the head attached, so the connection
                            // can still be answered (505, 400) before it closes.
                            let headBytes = ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<headLength]))
                            _ = try SIPMessage(base: headBytes, head: head, framing: .stream, limits: limits)
                        }
                        guard let contentLength = head.contentLength else {
                            throw SIPParseError(.missingContentLength, "Content-Length is required on stream transports (RFC 3261 §18.3)", at: headLength)
                        }
                        let total = headLength + contentLength
                        guard total <= limits.maxMessageSize else {
                            throw SIPParseError(.messageTooLarge, "message of \(total) bytes exceeds the \(limits.maxMessageSize)-byte limit", at: 0)
                        }
                        return (head, total)
                    }
                    index += 1
                }
                guard bytes.count < limits.maxMessageSize else {
                    throw SIPParseError(.messageTooLarge, "header section not ended within \(limits.maxMessageSize) bytes", at: 0)
                }
                state = .readingHead(scanned: end, lineScanned: lineProgress, startLineChecked: checked)
                return nil
            }.mapError { error in error.located(in: bytes) }
        }
        switch outcome {
        case .success(let head): return head
        case .failure(let error): throw fail(error)
        }
    }

    /// The end of the first line, nil while it is incomplete; a bare LF (or a CR without LF)
    /// is refused at once, as another parser would split the stream differently, and so is a
    /// first line that has outgrown the line limit.
    private enum LineScan {
        case found(Int)
        /// No line end yet; bytes before this offset hold none.
        case incomplete(Int)
    }

    private func firstLineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(SIPParseError) -> LineScan {
        let limit = min(bytes.count, limits.maxHeaderLength + 1)
        var index = min(start, limit)
        while index < limit {
            index = ByteSearch.firstLineBreak(bytes, from: index, to: limit)
            guard index < limit else { break }
            guard bytes[index] == ASCII.cr else {
                throw SIPParseError(.invalidLineEnding, "line ends with LF alone; SIP requires CRLF", at: index)
            }
            guard index + 1 < bytes.count else { return .incomplete(index) }  // LF not here yet
            guard bytes[index + 1] == ASCII.lf else {
                throw SIPParseError(.invalidLineEnding, "CR not followed by LF", at: index)
            }
            return .found(index)
        }
        if bytes.count > limits.maxHeaderLength + 1 {
            throw SIPParseError(.headerTooLong, "start line longer than \(limits.maxHeaderLength) bytes", at: 0)
        }
        return .incomplete(index)
    }
}

/// `SIPStreamFramer` as a NIO decoder, for `ByteToMessageHandler` or
/// `NIOSingleStepByteToMessageProcessor` on TCP and TLS channels.
public struct SIPStreamDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = SIPStreamFramer.Frame

    private var framer: SIPStreamFramer

    public init(limits: ParserLimits = .default) {
        self.framer = SIPStreamFramer(limits: limits)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> SIPStreamFramer.Frame? {
        try framer.next(from: &buffer)
    }

    /// At end of stream, whatever completes a frame is delivered; a partial message is
    /// dropped (it was never acknowledged).
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SIPStreamFramer.Frame? {
        try framer.next(from: &buffer)
    }
}
