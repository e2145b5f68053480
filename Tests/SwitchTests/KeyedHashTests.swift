import Crypto
import Testing
@testable import Switch

@Suite("Keyed hash")
struct KeyedHashTests {
    @Test("equals HMAC-SHA-256 for short, block-sized and long keys, used many times over", arguments: [16, 32, 64, 65, 200])
    func matchesHMAC(keyLength: Int) {
        let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let keyed = KeyedHash(key: key)
        for length in [0, 1, 20, 55, 64, 100, 1000] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13) }
            let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
            // Twice: the saved pad states must not be changed by a use.
            #expect(keyed.mac(message) == expected)
            #expect(keyed.mac(message) == expected)
        }
    }
}

@Suite("SIP date")
struct SIPDateTests {
    @Test("RFC 1123 dates in GMT, leap days and weekdays included", arguments: [
        (Int64(1_790_000_000), "Mon, 21 Sep 2026 14:13:20 GMT"),
        (Int64(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT"),
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT"),
    ])
    func format(seconds: Int64, expected: String) {
        #expect(SIPDate.format(unixSeconds: seconds) == expected)
    }
}
