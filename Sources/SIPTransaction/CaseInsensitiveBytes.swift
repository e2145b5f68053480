import SIPCore

/// Bytes compared and hashed ignoring ASCII case, for the parts of a transaction key that
/// RFC 3261 §7.3.1 makes case-insensitive (hosts, branch and tag parameter values). Shares
/// the received message's storage: building a key allocates nothing.
struct CaseInsensitiveBytes: Sendable, Hashable, CustomStringConvertible {
    let value: SIPString

    init(_ value: SIPString) {
        self.value = value
    }

    static func == (lhs: CaseInsensitiveBytes, rhs: CaseInsensitiveBytes) -> Bool {
        lhs.value.equalsIgnoringCase(rhs.value)
    }

    func hash(into hasher: inout Hasher) {
        value.buffer.withUnsafeReadableBytes { raw in
            hasher.combine(raw.count)
            // Lower-case a chunk at a time into a small stack buffer and hash it as one run.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { chunk in
                var start = 0
                while start < raw.count {
                    let length = min(64, raw.count - start)
                    for offset in 0..<length {
                        let byte = raw[start + offset]
                        chunk[offset] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                    }
                    hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(chunk)[0..<length]))
                    start += length
                }
            }
        }
    }

    var description: String { value.string }
}
