extension SIPOutgoingMessage {
    /// A response to `request`, built as RFC 3261 §8.2.6 says: the Via fields (all, in
    /// order), From, To, Call-ID and CSeq are copied; a To tag is added unless the request's
    /// To already has one or the status is 100 (§8.2.6.2); a 100 copies Timestamp (§8.2.6.1).
    ///
    /// Works on a request that failed validation too (to answer it with 400): whatever of
    /// those headers it has is copied as received.
    ///
    /// - Parameter toTag: the tag to add; a random one when nil.
    public static func response(
        to request: SIPMessage, statusCode: Int, reasonPhrase: String? = nil, toTag: String? = nil
    ) throws(SIPSerializationError) -> SIPOutgoingMessage {
        var response = try SIPOutgoingMessage(statusCode: statusCode, reasonPhrase: reasonPhrase)
        var parsed = request
        for header in request.headers {
            switch header.name {
            case .via, .from, .callID, .cseq:
                try response.append(header.rawName, header.unfoldedValue)
            case .to:
                var value = header.unfoldedValue
                // A To that does not parse is copied as it is: there is no safe place for a tag.
                if statusCode != 100, let to = try? parsed.to(), to.tag == nil {
                    let tag = toTag ?? SIPTag.random()
                    guard !tag.isEmpty, tag.utf8.allSatisfy(\.isSIPToken) else {
                        throw SIPSerializationError(.invalidTag, "To tag must be a token")
                    }
                    value = SIPString(value.string + ";tag=" + tag)
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
