import NIOCore

/// Comma-separated lists of tokens: Allow, Supported, Require, Proxy-Require, Unsupported,
/// Allow-Events, Content-Encoding... (RFC 3261 §20).
enum TokenListGrammar {
    /// Reads `[token *(COMMA token)]`; an empty value is accepted only when `allowEmpty`
    /// (Allow and Supported may be empty, RFC 3261 §20.5, §20.37).
    static func parse(_ cursor: inout ByteCursor, base: ByteBuffer, allowEmpty: Bool, what: String) throws(SIPParseError) -> [SIPString] {
        var tokens: [SIPString] = []
        try forEach(&cursor, allowEmpty: allowEmpty, what: what) { tokens.append(base.sipString($0)) }
        return tokens
    }

    /// Checks the list and hands each token's range to `body`, without building an array.
    static func forEach(
        _ cursor: inout ByteCursor, allowEmpty: Bool, what: String, _ body: (Range<Int>) -> Void = { _ in }
    ) throws(SIPParseError) {
        cursor.skipLinearWhitespace()
        if cursor.isAtEnd {
            guard allowEmpty else {
                throw SIPParseError(.malformedHeader, "\(what) must list at least one value", at: cursor.index)
            }
            return
        }
        try HeaderGrammar.forEachListElement(&cursor, what: what) { cursor throws(SIPParseError) in
            guard let token = cursor.scanToken() else {
                throw SIPParseError(.malformedHeader, "\(HostGrammar.describe(cursor.bytes[cursor.index])) in \(what)", at: cursor.index)
            }
            body(token)
        }
    }
}
