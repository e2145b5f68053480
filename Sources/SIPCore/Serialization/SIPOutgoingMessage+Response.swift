import NIOCore

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
                    try response.append(header.rawName, header.unfoldedValue)
                    continue
                }
                guard !viaWritten else { continue }
                viaWritten = true
                try response.append(.via, topVia)
                for via in vias.dropFirst() {
                    try response.append(header.rawName, via.text)
                }
            case .from, .callID, .cseq:
                try response.append(header.rawName, header.unfoldedValue)
            case .to:
                var value = header.unfoldedValue
                // A To that does not parse is copied as it is: there is no safe place for a tag.
                if statusCode != 100, let to = try? request.to(), to.tag == nil {
                    let tag = toTag ?? SIPString(SIPTag.random())
                    guard !tag.isEmpty, tag.buffer.readableBytesView.allSatisfy(\.isSIPToken) else {
                        throw SIPSerializationError(.invalidTag, "To tag must be a token")
                    }
                    var tagged = ByteBuffer()
                    tagged.reserveCapacity(value.count + 5 + tag.count)
                    tagged.writeImmutableBuffer(value.buffer)
                    tagged.writeStaticString(";tag=")
                    tagged.writeImmutableBuffer(tag.buffer)
                    value = SIPString(buffer: tagged)
                }
                try response.append(header.rawName, value)
            case .timestamp where statusCode == 100:
                try response.append(header.rawName, header.unfoldedValue)
            default:
                break
            }
        }
        return response
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
