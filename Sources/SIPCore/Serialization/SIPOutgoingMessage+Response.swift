public import NIOCore

extension SIPOutgoingMessage {
    /// A response to `request`, built as RFC 3261 §8.2.6 says: the Via fields (all, in
    /// order), From, To, Call-ID and CSeq are copied; a To tag is added unless the request's
    /// To already has one or the status is 100 (§8.2.6.2); a 100 copies Timestamp (§8.2.6.1).
    ///
    /// Works on a request that failed validation too (to answer it with 400): whatever of
    /// those headers it has is copied as received, the first of each when one is repeated.
    ///
    /// - Parameters:
    ///   - toTag: the tag to add; a random one when nil.
    ///   - topVia: the top Via value to send instead of the request's (with `received` and
    ///     `rport` filled in, RFC 3261 §18.2.1, RFC 3581); the other Via values follow it, each
    ///     on its own line. Needs the request's Via to be readable.
    public static func response(
        to request: SIPMessage, statusCode: Int, reasonPhrase: String? = nil, toTag: String? = nil,
        topVia: String? = nil
    ) throws(SIPSerializationError) -> SIPOutgoingMessage {
        var parsed = request
        return try response(
            to: &parsed, statusCode: statusCode, reasonPhrase: reasonPhrase, toTag: toTag.map { SIPString($0) },
            topVia: topVia.map { SIPString($0) })
    }

    /// As above, on a request whose parsed values are cached in place (the To and Via
    /// values it reads are usually parsed already), with the tag and top Via as bytes.
    public static func response(
        to request: inout SIPMessage, statusCode: Int, reasonPhrase: String? = nil, toTag: SIPString?,
        topVia: SIPString?
    ) throws(SIPSerializationError) -> SIPOutgoingMessage {
        var response = try SIPOutgoingMessage(statusCode: statusCode, reasonPhrase: reasonPhrase)
        response.reserveHeaderCapacity(request.headers.count + 4)
        let tag = try responseToTag(toTag)
        try forEachResponseHeader(of: &request, statusCode: statusCode, toTag: tag, topVia: topVia) {
            name, value, tag throws(SIPSerializationError) in
            guard let tag else {
                try response.append(name, value)
                return
            }
            var tagged = ByteBuffer()
            tagged.reserveCapacity(value.count + 5 + tag.count)
            tagged.writeImmutableBuffer(value.buffer)
            tagged.writeStaticString(";tag=")
            tagged.writeImmutableBuffer(tag.buffer)
            try response.append(name, SIPString(buffer: tagged))
        }
        return response
    }

    /// The same response as `response(to:...).serialized` plus `extraHeaders`, written
    /// straight into `buffer` in one pass over the request: no header list, no intermediate
    /// copy. The stateless answers of the server go this way. Every value is checked first,
    /// so a refused response leaves `buffer` as it was.
    public static func writeResponse(
        to request: inout SIPMessage, statusCode: Int, reasonPhrase: SIPString? = nil, toTag: SIPString?,
        topVia: SIPString?, extraHeaders: [Header] = [], into buffer: inout ByteBuffer
    ) throws(SIPSerializationError) {
        guard (100...699).contains(statusCode) else {
            throw SIPSerializationError(.invalidStatusCode, "status code \(statusCode) outside 100-699")
        }
        let reason = reasonPhrase ?? SIPReasonPhrases.sipString(for: statusCode)
        if reasonPhrase != nil { try checkValue(reason, what: "reason phrase") }
        let tag = try responseToTag(toTag)
        // Pass 1: every value is checked, and the size counted, before anything is written.
        var size = 8 + DirectByteWriter.decimalLength(statusCode) + 1 + reason.count + 2
        try forEachResponseHeader(of: &request, statusCode: statusCode, toTag: tag, topVia: topVia) {
            name, value, tag throws(SIPSerializationError) in
            try checkHeader(name, value)
            size += name.count + 2 + value.count + (tag.map { 5 + $0.count } ?? 0) + 2
        }
        for header in extraHeaders {
            try checkHeader(header.name, header.value)
            size += header.name.count + 2 + header.value.count + 2
        }
        size += 19 + 4  // "Content-Length: 0" CRLF CRLF
        // Pass 2: written within that size; a mismatch (a bug) refuses the response rather
        // than sending a partial one.
        let complete = DirectByteWriter.write(into: &buffer, maximum: size) { writer in
            writer.write("SIP/2.0 ")
            writer.write(decimal: statusCode)
            writer.write(byte: ASCII.space)
            writer.write(reason.buffer)
            writer.write("\r\n")
            // Checked in pass 1; the same request gives the same headers.
            try? forEachResponseHeader(of: &request, statusCode: statusCode, toTag: tag, topVia: topVia) { name, value, tag in
                writer.write(name.buffer)
                writer.write(": ")
                writer.write(value.buffer)
                if let tag {
                    writer.write(";tag=")
                    writer.write(tag.buffer)
                }
                writer.write("\r\n")
            }
            for header in extraHeaders {
                writer.write(header.name.buffer)
                writer.write(": ")
                writer.write(header.value.buffer)
                writer.write("\r\n")
            }
            writer.write("Content-Length: 0\r\n\r\n")
        }
        guard complete else {
            throw SIPSerializationError(.sizeMismatch, "response larger than counted")
        }
    }

    /// The To tag to add (a random one when none is given), checked to be a token.
    private static func responseToTag(_ toTag: SIPString?) throws(SIPSerializationError) -> SIPString {
        let tag = toTag ?? SIPString(SIPTag.random())
        let isToken = tag.buffer.withUnsafeReadableBytes { bytes in !bytes.isEmpty && bytes.allSatisfy(\.isSIPToken) }
        guard isToken else { throw SIPSerializationError(.invalidTag, "To tag must be a token") }
        return tag
    }

    /// The header fields of the response to `request`, in order, as RFC 3261 §8.2.6 says
    /// (see `response(to:)`): `body` gets each name and value, and for the To that needs one,
    /// the tag to append as `;tag=`.
    private static func forEachResponseHeader(
        of request: inout SIPMessage, statusCode: Int, toTag: SIPString, topVia: SIPString?,
        _ body: (SIPString, SIPString, SIPString?) throws(SIPSerializationError) -> Void
    ) throws(SIPSerializationError) {
        var viaWritten = false
        var copied = HeaderNameSet()
        for header in request.headers {
            // From, To, Call-ID and CSeq take one value (RFC 3261 §7.3.1): the first is answered.
            if header.name != .via, header.name != .timestamp {
                guard !copied.contains(header.name) else { continue }
                copied.insert(header.name)
            }
            switch header.name {
            case .via:
                guard let topVia, let vias = try? request.via() else {
                    try body(header.rawName, header.unfoldedValue, nil)
                    continue
                }
                guard !viaWritten else { continue }
                viaWritten = true
                try body(SIPHeaderName.via.canonicalSIPString, topVia, nil)
                for via in vias.dropFirst() {
                    try body(header.rawName, via.text, nil)
                }
            case .from, .callID, .cseq:
                try body(header.rawName, header.unfoldedValue, nil)
            case .to:
                // A To that does not parse is copied as it is: there is no safe place for a tag.
                let needsTag = statusCode != 100 && (try? request.to()).map { $0.tag == nil } == true
                try body(header.rawName, header.unfoldedValue, needsTag ? toTag : nil)
            case .timestamp where statusCode == 100:
                try body(header.rawName, header.unfoldedValue, nil)
            default:
                break
            }
        }
    }
}

/// Tags for From and To (RFC 3261 §19.3: at least 32 bits of randomness).
public enum SIPTag {
    /// 64 random bits as 16 hex digits.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    public static func random(using generator: inout some RandomNumberGenerator) -> String {
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
