public import SIPCore

/// What identifies a client transaction: which transaction a received response belongs to
/// (RFC 3261 §17.1.3). The top Via branch the client put in its request comes back in the
/// response; the CSeq method tells a CANCEL's responses (same branch) from the INVITE's.
///
/// The branch ignores ASCII case (§7.3.1); the method is case-sensitive (§7.1).
public struct ClientTransactionKey: Sendable, Hashable, CustomStringConvertible {
    let branchBytes: CaseInsensitiveBytes
    public let method: SIPMethod

    public init(branch: SIPString, method: SIPMethod) {
        self.branchBytes = CaseInsensitiveBytes(branch)
        self.method = method
    }

    /// The key of the transaction a response belongs to: top Via branch and CSeq method.
    ///
    /// - Throws: when the top Via or CSeq do not parse, or the top Via has no branch (a
    ///   response that matches no transaction of ours).
    public init(response: SIPMessage) throws(SIPParseError) {
        var response = response
        try self.init(parsingResponse: &response)
    }

    init(parsingResponse response: inout SIPMessage) throws(SIPParseError) {
        let top = try response.topVia()
        let method = try response.cseq().method
        guard let branch = top.branch else { throw Self.missingBranch }
        self.init(branch: branch, method: method)
    }

    /// The key of the transaction a request starts: its top Via branch and its method.
    public init(request: SIPMessage) throws(SIPParseError) {
        var request = request
        guard let method = request.method else {
            throw SIPParseError(.malformedStartLine, "a response does not start a client transaction", at: 0)
        }
        guard let branch = try request.topVia().branch else { throw Self.missingBranch }
        self.init(branch: branch, method: method)
    }

    public var branch: SIPString { branchBytes.value }

    public var description: String { "\(method) \(branch)" }

    private static var missingBranch: SIPParseError {
        SIPParseError(.malformedHeader, "the top Via has no branch parameter", at: 0)
    }
}
