/// The start line and header fields of a message, located but not yet interpreted.
struct ParsedHead: Sendable {
    enum StartLine: Sendable {
        case request(method: Range<Int>, uri: Range<Int>)
        case response(statusCode: Int, reason: Range<Int>)
    }

    var startLine: StartLine
    var fields: [SIPHeaderField]
    /// Offset of the first byte after the empty line that ends the header section.
    var headerEnd: Int
    var contentLength: Int?
    /// A problem that refuses the message but leaves its head readable: an unsupported SIP
    /// version (answered 505, RFC 3261 §8.1.3.3... §21.5.6) or a bad or repeated
    /// Content-Length (answered 400 over UDP, RFC 4475 §3.1.2.3). The rest of the header
    /// section is still read so that a server can build that answer.
    var deferredProblem: SIPParseError?
}

/// Reads the start line and header fields (RFC 3261 §7) in one forward pass over the bytes:
/// every byte of the header section is looked at once, and each limit is checked the moment
/// it is crossed, so an oversized or hostile header section costs no more than its length.
///
/// Strictness: lines end with CRLF only (a bare CR or LF is refused, as another parser
/// could split the message differently); folded lines (CRLF followed by SP/HTAB) continue
/// the previous field (RFC 3261 §7.3.1). Header values are not interpreted here.
enum MessageHeadParser {
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: ParserLimits) throws(SIPParseError) -> ParsedHead {
        let count = bytes.count
        var index = 0
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        while index + 1 < count, bytes[index] == ASCII.cr, bytes[index + 1] == ASCII.lf { index += 2 }
        guard index < count else {
            throw SIPParseError(.emptyMessage, "no SIP message, only line breaks", at: 0)
        }
        let lineStart = index
        let lineEnd = try findLineEnd(bytes, from: index, limit: limits.maxHeaderLength, what: "start line")
        let (startLine, startLineProblem) = try parseStartLine(bytes, lineStart..<lineEnd, limits: limits)
        index = lineEnd + 2

        var fields: [SIPHeaderField] = []
        fields.reserveCapacity(24)
        var contentLength: Int?
        var contentLengthProblem: SIPParseError?
        var viaFields = 0
        while true {
            guard index < count else {
                // The message ends after a complete header line but without the empty line:
                // refused, with the head readable so that a datagram can still be answered.
                let problem = SIPParseError(.unterminatedHeaderSection, "header section not ended by an empty line", at: index)
                return ParsedHead(
                    startLine: startLine, fields: fields, headerEnd: count, contentLength: contentLength,
                    deferredProblem: startLineProblem ?? contentLengthProblem ?? problem)
            }
            let first = bytes[index]
            if first == ASCII.cr {
                guard index + 1 < count else {
                    throw SIPParseError(.unterminatedHeaderSection, "message ends inside the empty line", at: index)
                }
                guard bytes[index + 1] == ASCII.lf else {
                    throw SIPParseError(.invalidLineEnding, "CR not followed by LF", at: index)
                }
                return ParsedHead(
                    startLine: startLine, fields: fields, headerEnd: index + 2, contentLength: contentLength,
                    deferredProblem: startLineProblem ?? contentLengthProblem)
            }
            if first == ASCII.lf {
                throw SIPParseError(.invalidLineEnding, "line ends with LF alone; SIP requires CRLF", at: index)
            }
            if first.isSIPWhitespace {
                throw SIPParseError(.malformedHeaderLine, "continuation line without a header field before it", at: index)
            }
            let field = try parseField(bytes, from: index, limits: limits)
            index = field.next
            guard fields.count < limits.maxHeaderCount else {
                throw SIPParseError(.tooManyHeaders, "more than \(limits.maxHeaderCount) header fields", at: Int(field.field.nameStart))
            }
            switch field.field.name {
            case .via:
                viaFields += 1
                if viaFields > limits.maxViaCount {
                    throw SIPParseError(.tooManyVias, "more than \(limits.maxViaCount) Via header fields", at: Int(field.field.nameStart))
                }
            case .contentLength where contentLengthProblem == nil:
                if contentLength != nil {
                    // RFC 4475 §3.3.9: two Content-Length values leave the framing ambiguous.
                    contentLengthProblem = SIPParseError(.conflictingContentLength, "Content-Length appears more than once", at: Int(field.field.nameStart))
                    contentLength = nil
                } else {
                    do {
                        contentLength = try parseContentLength(bytes, field.field.valueRange, limits: limits)
                    } catch {
                        contentLengthProblem = error
                    }
                }
            default:
                break
            }
            fields.append(field.field)
        }
    }

    /// Finds the CR of the CRLF that ends the line starting at `start`; refuses bare CR/LF and
    /// lines longer than `limit`.
    private static func findLineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, limit: Int, what: String) throws(SIPParseError) -> Int {
        let end = min(bytes.count, start + limit + 1)  // the CR may sit just past `limit` bytes
        let index = ByteSearch.firstLineBreak(bytes, from: start, to: end)
        if index < end {
            guard bytes[index] == ASCII.cr else {
                throw SIPParseError(.invalidLineEnding, "line ends with LF alone; SIP requires CRLF", at: index)
            }
            guard index + 1 < bytes.count else {
                throw SIPParseError(.unterminatedHeaderSection, "message ends inside the \(what)", at: index)
            }
            guard bytes[index + 1] == ASCII.lf else {
                throw SIPParseError(.invalidLineEnding, "CR not followed by LF", at: index)
            }
            return index
        }
        if end < bytes.count {
            throw SIPParseError(.headerTooLong, "\(what) longer than \(limit) bytes", at: start)
        }
        throw SIPParseError(.unterminatedHeaderSection, "message ends inside the \(what)", at: start)
    }

    /// field-name HCOLON field-value CRLF, with folded continuation lines.
    private static func parseField(_ bytes: UnsafeRawBufferPointer, from start: Int, limits: ParserLimits) throws(SIPParseError) -> (field: SIPHeaderField, next: Int) {
        let count = bytes.count
        var index = start
        while index < count, bytes[index].isSIPToken { index += 1 }
        let nameEnd = index
        guard nameEnd > start else {
            throw SIPParseError(.malformedHeaderLine, "\(HostGrammar.describe(bytes[start])) cannot start a header name", at: start)
        }
        // HCOLON = *( SP / HTAB ) ":" SWS
        while index < count, bytes[index].isSIPWhitespace { index += 1 }
        guard index < count, bytes[index] == ASCII.colon else {
            let found = index < count ? HostGrammar.describe(bytes[index]) : "end of message"
            throw SIPParseError(.malformedHeaderLine, "header name followed by \(found) instead of ':'", at: index)
        }
        index += 1
        let rawValueStart = index
        let limitEnd = min(count, start + limits.maxHeaderLength + 1)  // room for the CR
        var rawValueEnd = index
        while true {
            index = ByteSearch.firstLineBreak(bytes, from: index, to: limitEnd)
            guard index < limitEnd else {
                if limitEnd < count {
                    throw SIPParseError(.headerTooLong, "header field longer than \(limits.maxHeaderLength) bytes", at: start)
                }
                throw SIPParseError(.unterminatedHeaderSection, "message ends inside a header field", at: index)
            }
            guard bytes[index] == ASCII.cr else {
                throw SIPParseError(.invalidLineEnding, "line ends with LF alone; SIP requires CRLF", at: index)
            }
            guard index + 1 < count else {
                throw SIPParseError(.unterminatedHeaderSection, "message ends inside a header field", at: index)
            }
            guard bytes[index + 1] == ASCII.lf else {
                throw SIPParseError(.invalidLineEnding, "CR not followed by LF", at: index)
            }
            if index + 2 < count, bytes[index + 2].isSIPWhitespace {
                index += 3  // a folded line continues the value (RFC 3261 §7.3.1)
                continue
            }
            rawValueEnd = index
            index += 2
            break
        }
        var valueStart = rawValueStart
        while valueStart < rawValueEnd, bytes[valueStart].isSIPLinearWhitespace { valueStart += 1 }
        var valueEnd = rawValueEnd
        while valueEnd > valueStart, bytes[valueEnd - 1].isSIPLinearWhitespace { valueEnd -= 1 }
        let field = SIPHeaderField(
            name: SIPHeaderName.classify(bytes, start..<nameEnd),
            nameStart: UInt32(start), nameEnd: UInt32(nameEnd),
            valueStart: UInt32(valueStart), valueEnd: UInt32(valueEnd))
        return (field, index)
    }

    /// Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT. Anything else breaks the
    /// framing, and a value is never used before it is known to be a sane count
    /// (RFC 4475 §3.1.2.3: negative values).
    private static func parseContentLength(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, limits: ParserLimits) throws(SIPParseError) -> Int {
        var cursor = ByteCursor(bytes, range)
        switch cursor.scanDecimal(maximum: UInt64(Int32.max)) {
        case .value(let value, _) where cursor.isAtEnd:
            guard value <= UInt64(limits.maxBodySize) else {
                throw SIPParseError(.bodyTooLarge, "Content-Length \(value) exceeds the \(limits.maxBodySize)-byte body limit", at: range.lowerBound)
            }
            return Int(value)
        case .overflow:
            throw SIPParseError(.bodyTooLarge, "Content-Length too large", at: range.lowerBound)
        default:
            throw SIPParseError(.invalidContentLength, "Content-Length must be a non-negative decimal number", at: range.lowerBound)
        }
    }

    /// Vets a first line on its own, so that a stream of garbage is refused as soon as its
    /// first line ends rather than when the size limit is reached.
    static func checkStartLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, limits: ParserLimits) throws(SIPParseError) {
        guard line.count <= limits.maxHeaderLength else {
            throw SIPParseError(.headerTooLong, "start line longer than \(limits.maxHeaderLength) bytes", at: line.lowerBound)
        }
        _ = try parseStartLine(bytes, line, limits: limits)  // a version problem is the head's to report
    }

    /// Request-Line = Method SP Request-URI SP SIP-Version CRLF
    /// Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF (RFC 3261 §7.1, §7.2)
    /// The start line, or, for a Request-Line that is malformed but still shaped like one
    /// (`METHOD ... SIP/2.0`: extra spaces, spaces inside the URI, RFC 4475 §3.1.2.8-10), the
    /// method and what lies between as the URI, with the error deferred: the headers can then
    /// be read and the request answered 400 rather than dropped.
    private static func parseStartLine(
        _ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, limits: ParserLimits
    ) throws(SIPParseError) -> (ParsedHead.StartLine, startLineProblem: SIPParseError?) {
        do throws(SIPParseError) {
            return try parseStrictStartLine(bytes, line, limits: limits)
        } catch {
            guard error.code == .malformedStartLine, let recovered = recoverRequestLine(bytes, line) else { throw error }
            return (recovered, error)
        }
    }

    /// `token SP+ anything SP+ SIP/2.0 SP*`: the method and the middle part.
    private static func recoverRequestLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) -> ParsedHead.StartLine? {
        var end = line.upperBound
        while end > line.lowerBound, bytes[end - 1] == ASCII.space { end -= 1 }
        let version = Array("sip/2.0".utf8)
        guard end - line.lowerBound > version.count + 2 else { return nil }
        let versionStart = end - version.count
        for (offset, expected) in version.enumerated() where bytes[versionStart + offset].asciiLowercased != expected {
            return nil
        }
        var index = line.lowerBound
        while index < versionStart, bytes[index].isSIPToken { index += 1 }
        let method = line.lowerBound..<index
        guard !method.isEmpty, index < versionStart, bytes[index] == ASCII.space else { return nil }
        var uriStart = index
        while uriStart < versionStart, bytes[uriStart] == ASCII.space { uriStart += 1 }
        var uriEnd = versionStart
        while uriEnd > uriStart, bytes[uriEnd - 1] == ASCII.space { uriEnd -= 1 }
        guard uriEnd > uriStart, uriEnd < versionStart else { return nil }
        return .request(method: method, uri: uriStart..<uriEnd)
    }

    private static func parseStrictStartLine(
        _ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, limits: ParserLimits
    ) throws(SIPParseError) -> (ParsedHead.StartLine, startLineProblem: SIPParseError?) {
        if let version = try scanVersionPrefix(bytes, line) {
            return (try parseStatusLine(bytes, line, afterVersion: version.end), version.problem)
        }
        var index = line.lowerBound
        while index < line.upperBound, bytes[index].isSIPToken { index += 1 }
        let method = line.lowerBound..<index
        guard !method.isEmpty, index < line.upperBound, bytes[index] == ASCII.space else {
            let at = method.isEmpty ? line.lowerBound : index
            throw SIPParseError(.malformedStartLine, "Request-Line must be Method SP Request-URI SP SIP-Version", at: at)
        }
        index += 1
        let uriStart = index
        while index < line.upperBound, bytes[index] > ASCII.space, bytes[index] != 0x7F { index += 1 }
        let uri = uriStart..<index
        guard !uri.isEmpty, index < line.upperBound, bytes[index] == ASCII.space else {
            if !uri.isEmpty, index < line.upperBound, bytes[index] != ASCII.space {
                throw SIPParseError(.malformedStartLine, "\(HostGrammar.describe(bytes[index])) inside the Request-URI", at: index)
            }
            throw SIPParseError(.malformedStartLine, "Request-Line must be Method SP Request-URI SP SIP-Version (single spaces)", at: index)
        }
        guard uri.count <= limits.maxURILength else {
            throw SIPParseError(.uriTooLong, "Request-URI longer than \(limits.maxURILength) bytes", at: uri.lowerBound)
        }
        index += 1
        guard let version = try scanVersionPrefix(bytes, index..<line.upperBound), version.end == line.upperBound else {
            throw SIPParseError(.malformedStartLine, "Request-Line must end with SIP/2.0", at: index)
        }
        return (.request(method: method, uri: uri), version.problem)
    }

    private static func parseStatusLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, afterVersion: Int) throws(SIPParseError) -> ParsedHead.StartLine {
        var index = afterVersion
        guard index < line.upperBound, bytes[index] == ASCII.space else {
            throw SIPParseError(.malformedStartLine, "Status-Line must be SIP-Version SP Status-Code SP Reason-Phrase", at: index)
        }
        index += 1
        let codeStart = index
        while index < line.upperBound, bytes[index].isSIPDigit { index += 1 }
        // Status-Code = 3DIGIT, 100-699 (RFC 3261 §7.2, §21)
        guard index - codeStart == 3, index == line.upperBound || bytes[index] == ASCII.space else {
            throw SIPParseError(.invalidStatusCode, "status code must be three digits", at: codeStart)
        }
        let code = (Int(bytes[codeStart]) - 48) * 100 + (Int(bytes[codeStart + 1]) - 48) * 10 + Int(bytes[codeStart + 2]) - 48
        guard (100...699).contains(code) else {
            throw SIPParseError(.invalidStatusCode, "status code \(code) outside 100-699", at: codeStart)
        }
        // An empty reason phrase after the SP is legal (RFC 4475 §3.1.1.13); a missing SP is
        // tolerated.
        let reasonStart = index < line.upperBound ? index + 1 : index
        return .response(statusCode: code, reason: reasonStart..<line.upperBound)
    }

    /// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" is case-insensitive). Returns the
    /// offset after the version if `range` starts with one (with 505's error for a well-formed
    /// version other than 2.0), nil if it does not look like a version at all.
    private static func scanVersionPrefix(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>
    ) throws(SIPParseError) -> (end: Int, problem: SIPParseError?)? {
        let start = range.lowerBound
        guard range.count >= 4,
            bytes[start].asciiLowercased == UInt8(ascii: "s"),
            bytes[start + 1].asciiLowercased == UInt8(ascii: "i"),
            bytes[start + 2].asciiLowercased == UInt8(ascii: "p"),
            bytes[start + 3] == ASCII.slash
        else { return nil }
        var cursor = ByteCursor(bytes, (start + 4)..<range.upperBound)
        guard case .value(let major, let majorDigits) = cursor.scanDecimal(maximum: 999), majorDigits.count <= 3,
            cursor.consume(ASCII.period),
            case .value(let minor, let minorDigits) = cursor.scanDecimal(maximum: 999), minorDigits.count <= 3
        else {
            throw SIPParseError(.malformedStartLine, "malformed SIP version", at: start)
        }
        if let next = cursor.current, next != ASCII.space {
            throw SIPParseError(.malformedStartLine, "malformed SIP version", at: cursor.index)
        }
        guard major == 2, minor == 0 else {
            let problem = SIPParseError(.unsupportedVersion, "SIP version \(major).\(minor) is not supported; only SIP/2.0 is", at: start)
            return (cursor.index, problem)
        }
        return (cursor.index, nil)
    }
}
