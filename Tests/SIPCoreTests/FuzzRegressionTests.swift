import Foundation
import SIPCore
import SIPTestSupport
import Testing

/// Inputs found by fuzzing (fuzz/ and MutationFuzzTests), kept in
/// `Tests/Fixtures/fuzz-regressions/*.bin`, minimised. Each must get a verdict (a message or
/// a located error) and keep every invariant of `FuzzHarness`, under datagram and stream
/// framing and through the stream framer cut into chunks several ways.
///
/// To add one: `fuzz/run.sh -minimize_crash=1 -runs=20000 crash-…` and copy the smallest
/// result here under a name that says what it is (fuzz/README.md lists what each one found).
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let directory = Fixtures.url("fuzz-regressions")

    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".bin") }.sorted()
    }

    /// Inputs that still break an invariant in SIPCore, with why; the test expects the issue
    /// and fails once it is gone, so that the entry is removed with the fix.
    static let knownIssues: [String: String] = [:]

    @Test("the regression folder is not empty")
    func folderHasInputs() {
        #expect(!Self.files.isEmpty, "no .bin file in \(Self.directory.path)")
    }

    @Test("each saved input gets a verdict and keeps the invariants", arguments: files)
    func replay(_ name: String) throws {
        let bytes = try Fixtures.bytes("fuzz-regressions/" + name)
        // A verdict under each framing; an error says where.
        for framing in [SIPMessage.Framing.datagram, .stream] {
            do {
                var message = try SIPMessage(parsing: bytes, framing: framing)
                do {
                    try message.validate()
                } catch {
                    #expect(error.line >= 1 && error.column >= 1, "\(name): \(error)")
                }
            } catch {
                #expect(error.line >= 1 && error.column >= 1, "\(name): \(error)")
            }
        }
        // Everything else, with the stream cut into chunks in eight different ways.
        var violations: [String] = []
        for chunkSeed in 0..<UInt64(8) {
            var harness = FuzzHarness()
            harness.run(bytes, chunkSeed: chunkSeed)
            violations += harness.violations.filter { !violations.contains($0) }
        }
        if let reason = Self.knownIssues[name] {
            withKnownIssue(Comment(rawValue: reason)) {
                for violation in violations { Issue.record(Comment(rawValue: "\(name): \(violation)")) }
            }
        } else {
            for violation in violations { Issue.record(Comment(rawValue: "\(name): \(violation)")) }
        }
    }
}
