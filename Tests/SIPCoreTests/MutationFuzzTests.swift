import Foundation
import NIOCore
import SIPCore
import SIPTestSupport
import Testing

/// In-test mutation fuzzing: the torture corpus, damaged in the ways an attacker or a broken
/// phone would damage it, through every entry point of SIPCore (see `FuzzHarness`).
///
/// Deterministic: the generator is seeded, so a failure names the shard, iteration and seed
/// that replay it. `SIPWARDEN_FUZZ_ITERATIONS` raises the iteration count for long local runs
/// (`SIPWARDEN_FUZZ_ITERATIONS=1000000 swift test --filter MutationFuzz`) and
/// `SIPWARDEN_FUZZ_SEED` changes the seed. Coverage-guided fuzzing lives in `fuzz/`.
@Suite("Mutation fuzzing")
struct MutationFuzzTests {
    /// The default iteration count, over all shards: about 20 s of CPU in a debug build, run
    /// as four parallel shards (~11 s on two cores).
    static let defaultIterations = 20_000
    static let shards = 4

    static var iterations: Int {
        let value = ProcessInfo.processInfo.environment["SIPWARDEN_FUZZ_ITERATIONS"].flatMap { Int($0) }
        return max(shards, value ?? defaultIterations)
    }

    static var baseSeed: UInt64 {
        ProcessInfo.processInfo.environment["SIPWARDEN_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5157_4152_4445_4E00
    }

    static let seeds: [[UInt8]] = ((try? ConformanceCase.all()) ?? []).compactMap { try? $0.bytes() }

    @Test("the seed corpus loads")
    func seedCorpusLoads() {
        #expect(Self.seeds.count == 61)
    }

    @Test("every mutated input gets a verdict and keeps the invariants", arguments: 0..<shards)
    func mutatedInputs(shard: Int) throws {
        try #require(!Self.seeds.isEmpty, "no seed corpus")
        let count = Self.iterations / Self.shards
        let shardSeed = Self.baseSeed &+ UInt64(shard) &* 0x1000_0000_0001
        var mutator = Mutator(corpus: Self.seeds, seed: shardSeed)
        var messages = 0
        var errors = 0
        var validated = 0
        var reported = 0
        for iteration in 0..<count {
            let input = mutator.next()
            var harness = FuzzHarness()
            harness.run(input, chunkSeed: mutator.generator.next())
            messages += harness.parsed
            errors += harness.refused
            validated += harness.validated
            for violation in harness.violations {
                reported += 1
                guard reported <= 10 else { break }
                Self.record(violation, input: input, replay: "shard \(shard), iteration \(iteration), SIPWARDEN_FUZZ_SEED=\(Self.baseSeed)")
            }
        }
        // Two parses per input (datagram and stream framing), each a message or an error.
        #expect(messages + errors == 2 * count)
        // The mutations must leave enough intact for the deep paths to be reached.
        #expect(messages > count / 10, "only \(messages) of \(2 * count) parses gave a message")
        #expect(validated > count / 20, "only \(validated) messages passed validate()")
    }

    /// The exact corpus files, unmutated, keep the invariants too.
    @Test("the seed corpus keeps the invariants")
    func seedCorpus() {
        for (index, seed) in Self.seeds.enumerated() {
            var harness = FuzzHarness()
            harness.run(seed, chunkSeed: UInt64(index))
            for violation in harness.violations {
                Self.record(violation, input: seed, replay: "seed file \(index)")
            }
        }
    }

    /// Records a broken invariant; the ones listed in `knownViolations` are recorded as known
    /// issues, with the reason, until the parser is fixed.
    static func record(_ violation: String, input: [UInt8], replay: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let comment = Comment(rawValue: "\(violation)\nreplay: \(replay)\ninput (\(input.count) bytes): \(hex(input.prefix(512)))")
        if let known = knownViolations.first(where: { violation.contains($0.pattern) }) {
            withKnownIssue(Comment(rawValue: known.reason), isIntermittent: true) {
                Issue.record(comment, sourceLocation: sourceLocation)
            }
        } else {
            Issue.record(comment, sourceLocation: sourceLocation)
        }
    }

    /// Invariants known to be broken by SIPCore today (see fuzz/README.md), matched on the
    /// violation's text. Remove an entry when the fix lands.
    static let knownViolations: [(pattern: String, reason: String)] = []

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }
}

/// Turns corpus files into hostile inputs: one to four mutations each.
struct Mutator {
    let corpus: [[UInt8]]
    var generator: SplitMix64

    init(corpus: [[UInt8]], seed: UInt64) {
        self.corpus = corpus
        self.generator = SplitMix64(seed: seed)
    }

    /// Bytes that change how SIP is tokenised.
    static let specialBytes: [[UInt8]] = [
        [0x0D], [0x0A], [0x00], [0x25], [0x22], [0x3C], [0x3B], [0x2C], [0x5B], [0x5D], [0x3E], [0x5C],
        [0x3A], [0x40], [0x3D], [0x3F], [0x20], [0x09], [0x0D, 0x0A], [0x0D, 0x0A, 0x20], [0x7F], [0xFF],
        [0xC3], [0xE2, 0x80], [0x2A], [0x26], [0x2F],
    ].map { $0 }

    /// Fragments of SIP syntax: URIs, parameters, escapes, IPv6 references, quoting.
    static let tokens: [[UInt8]] = [
        "sip:", "sips:", "tel:", "mailto:", "<", ">", ";tag=", ";branch=z9hG4bK", ";rport", ";rport=",
        ";received=", ";maddr=", ";ttl=", ";lr", ";transport=tcp", ";expires=", ";q=", ";q=1.0000", "%00",
        "%", "%4", "%zz", "[::1]", "[", "[2001:db8::", "[::ffff:192.0.2.1]", "\"", "\\", "\\\"", "@", ":5060",
        ":99999999", ":", "SIP/2.0", "SIP/2.0/UDP ", "\r\n\r\n", "\r\n ", "\r\n\t", "Digest ", "username=",
        "realm=\"x\"", "nonce=", ",", ",,", ";;", "=", "==", "*", "?", "?a=b&c", "&", "user=phone",
        "1.2.3.4", "256.1.1.1", "a.b.c.", "-", "--", ".", "..", "00000000000000000000",
    ].map { Array($0.utf8) }

    /// Whole header lines to insert.
    static let headerLines: [[UInt8]] = [
        "Content-Length: 0", "l: 5", "Content-Length: -1", "Content-Length: 99999999999999999999",
        "Via: SIP/2.0/TCP [::1]:5060;branch=z9hG4bK1;rport", "v: SIP/2.0/UDP host;received=::1",
        "Contact: *", "m: <sip:a@b>;expires=0;q=0.5", "Route: <sip:a@b;lr>", "Record-Route: sip:a@b",
        "Authorization: Digest username=\"a\", realm=\"b\", nonce=\"c\", uri=\"sip:x\", response=\"00\"",
        "WWW-Authenticate: Digest realm=\"r\", qop=\"auth,auth-int\", stale=TRUE",
        "Proxy-Authorization: Basic", "Content-Type: application/sdp;charset=\"x\"", "c: a/b",
        "Expires: 4294967296", "Max-Forwards: 256", "To: <sip:a@[::1]>;tag=x", "f: \"\\\"\" <tel:+1>",
        "CSeq: 4294967296 INVITE", "i: a@b@c", "Call-ID: ", "Allow: ,,", "Require: ", "Supported: a, ,b",
        "Timestamp: 1.5 2", "Date: Sat, 13 Nov 2010 23:29:00 GMT", "RSeq: 0", "RAck: 1 2 INVITE",
        "Session-Expires: 90;refresher=uac", "Event: a.b;id=1", "Refer-To: <sip:x?Replaces=y>",
        "X-Ünïcode: \u{FEFF}", "k: 100rel", "s: \u{7F}", "Retry-After: 5 (x) ;duration=1",
    ].map { Array(($0 + "\r\n").utf8) }

    /// Numbers at the edges of every parser's range.
    static let numbers: [[UInt8]] = [
        "0", "-1", "255", "256", "65535", "65536", "2147483647", "2147483648", "4294967295",
        "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        "99999999999999999999999999999999999999", "000000000000000000000000000001", "1e9", "0x10", "+1",
    ].map { Array($0.utf8) }

    mutating func next() -> [UInt8] {
        var bytes = corpus[generator.below(corpus.count)]
        for _ in 0...generator.below(4) {
            mutate(&bytes)
        }
        return bytes
    }

    mutating func mutate(_ bytes: inout [UInt8]) {
        let position = generator.below(bytes.count + 1)
        switch generator.below(18) {
        case 0:  // flip a bit
            guard position < bytes.count else { return }
            bytes[position] ^= 1 << UInt8(generator.below(8))
        case 1:  // any byte
            guard position < bytes.count else { return }
            bytes[position] = UInt8(truncatingIfNeeded: generator.next())
        case 2:  // a run of random bytes
            let run = (0...generator.below(16)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            bytes.insert(contentsOf: run, at: position)
        case 3:  // delete a run
            let end = min(bytes.count, position + 1 + generator.below(32))
            bytes.removeSubrange(position..<end)
        case 4:  // duplicate a line
            let line = lineRange(in: bytes, around: position)
            bytes.insert(contentsOf: bytes[line], at: line.upperBound)
        case 5:  // splice: the start of this input and the end of another
            let other = corpus[generator.below(corpus.count)]
            bytes = Array(bytes[..<position]) + other[generator.below(other.count + 1)...]
        case 6, 7:  // a byte that matters to the grammar
            bytes.insert(contentsOf: Self.specialBytes[generator.below(Self.specialBytes.count)], at: position)
        case 8:  // a fragment of SIP syntax
            bytes.insert(contentsOf: Self.tokens[generator.below(Self.tokens.count)], at: position)
        case 9:  // truncate
            bytes.removeSubrange(position...)
        case 10:  // one header line repeated 1,000 times
            guard generator.oneIn(8) else { return }
            let line = lineRange(in: bytes, around: position)
            let copy = bytes[line]
            var block: [UInt8] = []
            block.reserveCapacity(copy.count * 999)
            for _ in 0..<999 { block.append(contentsOf: copy) }
            bytes.insert(contentsOf: block, at: line.upperBound)
        case 11:  // a number at the edge of a range, in place of one
            let number = Self.numbers[generator.below(Self.numbers.count)]
            if let digits = digitRun(in: bytes, from: position) {
                bytes.replaceSubrange(digits, with: number)
            } else {
                bytes.insert(contentsOf: number, at: position)
            }
        case 12:  // a line ending broken: CRLF to LF, CR or nothing
            guard let crlf = find([0x0D, 0x0A], in: bytes, from: position) else { return }
            switch generator.below(3) {
            case 0: bytes.remove(at: crlf)
            case 1: bytes.remove(at: crlf + 1)
            default: bytes.removeSubrange(crlf..<crlf + 2)
            }
        case 13:  // remove a line
            bytes.removeSubrange(lineRange(in: bytes, around: position))
        case 14:  // swap two lines
            let first = lineRange(in: bytes, around: position)
            let second = lineRange(in: bytes, around: generator.below(bytes.count + 1))
            guard first.upperBound <= second.lowerBound else { return }
            let a = Array(bytes[first])
            let b = Array(bytes[second])
            bytes.replaceSubrange(second, with: a)
            bytes.replaceSubrange(first, with: b)
        case 15, 16:  // a header line at the start of a line
            let line = lineRange(in: bytes, around: position)
            bytes.insert(contentsOf: Self.headerLines[generator.below(Self.headerLines.count)], at: line.lowerBound)
        default:  // a long run of one byte
            let byte = Self.specialBytes[generator.below(Self.specialBytes.count)][0]
            // Now and then past the 65,535-byte message limit.
            let length = generator.oneIn(8) ? 70_000 : 1 + generator.below(300)
            bytes.insert(contentsOf: [UInt8](repeating: byte, count: length), at: position)
        }
    }

    /// The line (CRLF included) holding `position`.
    func lineRange(in bytes: [UInt8], around position: Int) -> Range<Int> {
        var start = min(position, bytes.count)
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        var end = min(position, bytes.count)
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        return start..<min(bytes.count, end + 1)
    }

    func digitRun(in bytes: [UInt8], from position: Int) -> Range<Int>? {
        guard let start = bytes[position...].firstIndex(where: { (0x30...0x39).contains($0) }) else { return nil }
        let end = bytes[start...].firstIndex { !(0x30...0x39).contains($0) } ?? bytes.count
        return start..<end
    }

    func find(_ needle: [UInt8], in bytes: [UInt8], from position: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = min(position, bytes.count - needle.count)
        while index + needle.count <= bytes.count {
            if bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
