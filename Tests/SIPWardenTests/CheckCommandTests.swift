import Foundation
import SIPTestSupport
import Testing

/// `sipwarden check`, run as the real binary.
@Suite("sipwarden check")
struct CheckCommandTests {
    let binary: URL

    init() throws {
        binary = try ProcessRunner.product("sipwarden")
    }

    /// A fresh directory for files this test writes.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("every corpus file gets the verdict of expected.tsv (debated rows as documented)")
    func corpus() throws {
        let cases = try ConformanceCase.all()
        let refusedByChoice: Set<String> = ["rfc4475/insuf.dat", "rfc4475/multi01.dat"]
        let outcome = try ProcessRunner.run(binary, ["check"] + cases.map(\.url.path))
        #expect(outcome.status == 1, "some corpus files are refused, so the status is 1")
        #expect(outcome.lines.count == cases.count)
        for (row, line) in zip(cases, outcome.lines) {
            let accepted = row.verdict == .accept && !refusedByChoice.contains(row.path)
            if accepted {
                #expect(line.hasPrefix("OK  \(row.url.path)  "), "\(row): \(line)")
            } else {
                #expect(line.hasPrefix("ERROR  \(row.url.path): "), "\(row): \(line)")
                #expect(line.range(of: #"\(line \d+, column \d+\)$"#, options: .regularExpression) != nil, "\(line)")
            }
        }
    }

    @Test("an accepted file prints method and Call-ID and exits 0")
    func acceptedLine() throws {
        let path = Fixtures.url("conformance/rfc4475/esc01.dat").path
        let outcome = try ProcessRunner.run(binary, ["check", path])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == "OK  \(path)  INVITE  esc01.239409asdfakjkn23onasd0-3234\n")
        let response = Fixtures.url("conformance/rfc4475/noreason.dat").path
        let responseOutcome = try ProcessRunner.run(binary, ["check", response])
        #expect(responseOutcome.standardOutput == "OK  \(response)  100  noreason.asndj203insdf99223ndf\n")
    }

    @Test("a refused file prints the reason and its location and exits 1")
    func refusedLine() throws {
        let path = Fixtures.url("conformance/rfc4475/badvers.dat").path
        let outcome = try ProcessRunner.run(binary, ["check", path])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput == "ERROR  \(path): SIP version 7.0 is not supported; only SIP/2.0 is (line 1, column 34)\n")
    }

    @Test("--json prints one object per file")
    func json() throws {
        let good = Fixtures.url("conformance/rfc4475/esc01.dat").path
        let bad = Fixtures.url("conformance/rfc4475/ncl.dat").path
        let outcome = try ProcessRunner.run(binary, ["check", "--json", good, bad])
        #expect(outcome.status == 1)
        #expect(outcome.lines.count == 2)
        let objects = try outcome.lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects[0]["result"] as? String == "ok")
        #expect(objects[0]["summary"] as? String == "INVITE")
        #expect(objects[0]["callID"] as? String == "esc01.239409asdfakjkn23onasd0-3234")
        #expect(objects[1]["result"] as? String == "error")
        #expect(objects[1]["code"] as? String == "invalid-content-length")
        #expect(objects[1]["status"] as? Int == 400)
        #expect(objects[1]["line"] as? Int == 10)
        #expect(objects[1]["column"] as? Int == 17)
    }

    @Test("usage errors exit 2", arguments: [
        ["check"], ["check", "/nonexistent/file.sip"], ["check", "--bogus", "x"], ["bogus-command"], ["check", "/"],
    ])
    func usageErrors(_ arguments: [String]) throws {
        let outcome = try ProcessRunner.run(binary, arguments)
        #expect(outcome.status == 2, "\(arguments): \(outcome.standardError)")
        #expect(!outcome.standardError.isEmpty)
    }

    @Test("a missing file is a usage error even when the others are valid")
    func missingAmongValid() throws {
        let good = Fixtures.url("conformance/rfc4475/esc01.dat").path
        let outcome = try ProcessRunner.run(binary, ["check", good, "/nonexistent.sip"])
        #expect(outcome.status == 2)
        #expect(outcome.lines.count == 1, "the readable file is still checked")
        #expect(outcome.standardError.contains("no such file"))
    }

    @Test("hostile files are refused with ERROR lines, without crashing")
    func hostile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let head = "OPTIONS sip:a@example.com SIP/2.0\r\n"
        let tail = "To: <sip:a@example.com>\r\nFrom: <sip:b@example.com>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        var garbage = SplitMix(seed: 7)
        let files: [(String, [UInt8])] = [
            ("huge-header", Array((head + "Subject: " + String(repeating: "a", count: 1_000_000) + "\r\n" + tail).utf8)),
            ("many-vias", Array((head + String(repeating: "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n", count: 5_000) + tail).utf8)),
            ("via-values", Array((head + "Via: " + Array(repeating: "SIP/2.0/UDP h", count: 400).joined(separator: ",") + "\r\n" + tail).utf8)),
            ("nul-bytes", Array(head.utf8) + [0, 0, 0] + Array(("Via: SIP/2.0/UDP h\u{0};branch=x\r\n" + tail).utf8)),
            ("truncated", Array((head + "Via: SIP/2.0/UDP h;bra").utf8)),
            ("garbage", (0..<4_096).map { _ in UInt8(truncatingIfNeeded: garbage.next()) }),
            ("empty", []),
            ("terminal-escape", Array("\u{1B}[31mOPTIONS sip:a@b SIP/2.0\r\n\r\n".utf8)),
        ]
        var paths: [String] = []
        for (name, bytes) in files {
            let url = directory.appendingPathComponent(name + ".sip")
            try Data(bytes).write(to: url)
            paths.append(url.path)
        }
        let outcome = try ProcessRunner.run(binary, ["check"] + paths, timeout: 60)
        #expect(outcome.status == 1)
        #expect(outcome.lines.count == files.count)
        for (path, line) in zip(paths, outcome.lines) {
            #expect(line.hasPrefix("ERROR  \(path): "), "\(line.prefix(200))")
        }
        #expect(!outcome.standardOutput.utf8.contains(0x1B), "control characters must be escaped")
    }

    @Test("--help explains the output and exit statuses")
    func help() throws {
        let outcome = try ProcessRunner.run(binary, ["check", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("OK  <file>"))
        #expect(outcome.standardOutput.contains("Exit status"))
        let root = try ProcessRunner.run(binary, ["--help"])
        #expect(root.status == 0)
        #expect(root.standardOutput.contains("check"))
    }
}

/// A small deterministic generator for test data.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
