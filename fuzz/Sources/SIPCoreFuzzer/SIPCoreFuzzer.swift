// libFuzzer entry point for SIPCore. Built with `-sanitize=fuzzer,address -parse-as-library`
// (see ../../run.sh): libFuzzer provides `main` and calls this function once per input.
//
// Every input goes through FuzzHarness (shared with Tests/SIPCoreTests/MutationFuzzTests):
// datagram and stream parsing, every accessor, validate(), re-serialisation, response
// building and the stream framer fed in chunks. A trap, an AddressSanitizer report, a
// timeout or an out-of-memory is a finding; so is a broken invariant, reported by aborting.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set SIPFUZZ_INVARIANTS=0 to look for crashes only (broken invariants are then ignored).
nonisolated(unsafe) private var checkInvariants: Bool = {
    guard let value = getenv("SIPFUZZ_INVARIANTS") else { return true }
    return String(cString: value) != "0"
}()

/// SIPFUZZ_KNOWN="text|other text": broken invariants whose message contains one of these
/// are known (already reported) and ignored, so that fuzzing goes on looking for new ones.
nonisolated(unsafe) private var knownViolations: [String] = {
    guard let value = getenv("SIPFUZZ_KNOWN") else { return [] }
    return String(cString: value).split(separator: "|").map(String.init)
}()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    // The chunk sizes for the stream framer come from the input, so a run is reproducible.
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
    for byte in bytes {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    var harness = FuzzHarness()
    harness.run(bytes, chunkSeed: hash)
    let violations = harness.violations.filter { violation in
        !knownViolations.contains { violation.contains($0) }
    }
    if checkInvariants, let first = violations.first {
        var report = "SIPCoreFuzzer: invariant broken (\(violations.count) in all): \(first)\n"
        report.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        abort()
    }
    return 0
}
