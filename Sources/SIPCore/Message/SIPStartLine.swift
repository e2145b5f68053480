/// The first line of a message (RFC 3261 §7.1, §7.2).
public enum SIPStartLine: Sendable, CustomStringConvertible {
    /// Request-Line: the method and the Request-URI as written.
    case request(method: SIPMethod, uri: SIPString)
    /// Status-Line: the status code (100-699) and the reason phrase as written (maybe empty).
    case response(statusCode: Int, reasonPhrase: SIPString)

    public var description: String {
        switch self {
        case .request(let method, let uri): return "\(method) \(uri) SIP/2.0"
        case .response(let code, let reason): return "SIP/2.0 \(code) \(reason)"
        }
    }
}
