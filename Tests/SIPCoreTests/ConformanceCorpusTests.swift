import SIPCore
import SIPTestSupport
import Testing

/// RFC 4475 and RFC 5118 torture messages: every file of the corpus gets the verdict of
/// `expected.tsv`, except the debated rows listed in `docs/conformance.md`, whose verdict is
/// deliberately the other one and tested here as such.
@Suite("Torture corpus (RFC 4475, RFC 5118)")
struct ConformanceCorpusTests {
    /// Debated rows where SIPWarden refuses what `expected.tsv` accepts (docs/conformance.md).
    static let deliberatelyRefused: [String: SIPParseError.Code] = [
        "rfc4475/insuf.dat": .missingHeader,
        "rfc4475/multi01.dat": .duplicateHeader,
    ]

    /// The error each refused file must produce: the reason matters, not just the refusal.
    static let expectedRejection: [String: SIPParseError.Code] = [
        "rfc4475/badinv01.dat": .malformedHeader,
        "rfc4475/clerr.dat": .truncatedBody,
        "rfc4475/ncl.dat": .invalidContentLength,
        "rfc4475/scalar02.dat": .valueOutOfRange,
        "rfc4475/scalarlg.dat": .valueOutOfRange,
        "rfc4475/quotbal.dat": .malformedHeader,
        "rfc4475/ltgtruri.dat": .invalidURI,
        "rfc4475/lwsruri.dat": .malformedStartLine,
        "rfc4475/lwsstart.dat": .malformedStartLine,
        "rfc4475/trws.dat": .malformedStartLine,
        "rfc4475/escruri.dat": .invalidURI,
        "rfc4475/baddate.dat": .malformedHeader,
        "rfc4475/regbadct.dat": .invalidURI,
        "rfc4475/badaspec.dat": .malformedHeader,
        // The archived file has no empty line after its headers; that is refused first.
        "rfc4475/baddn.dat": .unterminatedHeaderSection,
        "rfc4475/badvers.dat": .unsupportedVersion,
        "rfc4475/mismatch01.dat": .cseqMethodMismatch,
        "rfc4475/mismatch02.dat": .cseqMethodMismatch,
        "rfc4475/bigcode.dat": .invalidStatusCode,
        "rfc4475/mcl01.dat": .conflictingContentLength,
        "rfc5118/ipv6-bad.sip": .invalidURI,
    ]

    @Test("the corpus is complete: 49 RFC 4475 and 12 RFC 5118 files")
    func corpusIsComplete() throws {
        let cases = try ConformanceCase.all()
        #expect(cases.filter { $0.path.hasPrefix("rfc4475/") }.count == 49)
        #expect(cases.filter { $0.path.hasPrefix("rfc5118/") }.count == 12)
        for row in Self.deliberatelyRefused.keys {
            #expect(cases.first { $0.path == row }?.isDebated == true, "\(row) must be a debated row")
        }
    }

    @Test("each file gets its verdict", arguments: ConformanceCase.allOrEmpty)
    func verdict(_ row: ConformanceCase) throws {
        let bytes = try row.bytes()
        let outcome = Result { () throws(SIPParseError) -> SIPMessage in
            var message = try SIPMessage(parsing: bytes)
            try message.validate()
            return message
        }
        if let code = Self.deliberatelyRefused[row.path] {
            #expect(throws: Never.self) { try SIPMessage(parsing: bytes) }
            guard case .failure(let error) = outcome else {
                Issue.record("\(row) should be refused by validate()")
                return
            }
            #expect(error.code == code, "\(row): \(error)")
            return
        }
        switch (row.verdict, outcome) {
        case (.accept, .success):
            break
        case (.accept, .failure(let error)):
            Issue.record("\(row) must be accepted, but: \(error)")
        case (.reject, .success):
            Issue.record("\(row) must be refused")
        case (.reject, .failure(let error)):
            let expected = try #require(Self.expectedRejection[row.path], "no expected error recorded for \(row.path)")
            #expect(error.code == expected, "\(row): \(error)")
            #expect(error.line > 0 && error.column > 0, "\(row): error without a location")
        }
    }

    /// RFC 4475 §3.1.2.2, §3.1.2.3, §3.3.9: over UDP these are answered with 400, and §3.1.2.16
    /// SIP/7.0 with 505, so the error carries what could be read of the message.
    @Test("errors that leave the head readable keep it, to answer 400 or 505", arguments: [
        "rfc4475/clerr.dat", "rfc4475/ncl.dat", "rfc4475/mcl01.dat", "rfc4475/badvers.dat",
    ])
    func partialMessage(_ path: String) throws {
        let row = try #require(try ConformanceCase.all().first { $0.path == path })
        let bytes = try row.bytes()
        let error: SIPParseError
        do throws(SIPParseError) {
            _ = try SIPMessage(parsing: bytes)
            Issue.record("\(path) must be refused")
            return
        } catch let caught {
            error = caught
        }
        var partial = try #require(error.partialMessage, "\(path): \(error)")
        #expect(partial.body.readableBytes == 0)
        #expect(try partial.topVia().branch != nil)
        let response = try SIPOutgoingMessage.response(to: partial, statusCode: error.code.suggestedStatus, reasonPhrase: error.reasonPhrase)
        let answer = try SIPMessage(parsing: response.serialized)
        #expect(answer.statusCode == (path == "rfc4475/badvers.dat" ? 505 : 400))
        #expect(try answer.callID() == (try partial.callID()))
    }
}
