/// SDP session names (`s=`, RFC 4566 §5.3) that attack tools write into their INVITEs and
/// ordinary user agents do not.
///
/// Only names unique to a tool belong here. `s=-` is what SIPp's built-in scenarios send,
/// but also what baresip, Linphone, Asterisk and most phones send (RFC 4566 §5.3 suggests
/// "-" when there is no name), so it is not a fingerprint.
struct SDPSessionNames: Sendable {
    /// Names as configured, without empty ones.
    let names: [String]
    private let lowered: [[UInt8]]

    /// Only the start of the body is read: the session name is the third line of an SDP
    /// description (RFC 4566 §5: v=, o=, s=), so it is never far in.
    static let scanLimit = 2_048

    init(_ names: [String]) {
        let kept = names.filter { !$0.isEmpty }
        self.names = kept
        self.lowered = kept.map { $0.utf8.map(UserAgentPatternSet.lowercase) }
    }

    var isEmpty: Bool { lowered.isEmpty }

    /// The index in `names` of the name the body's `s=` line carries (whole value, ASCII case
    /// ignored, trailing whitespace ignored), or nil. A body that does not start with `v=`
    /// is not SDP (RFC 4566 §5) and is not read further.
    func match(in body: UnsafeRawBufferPointer) -> Int? {
        guard let value = Self.sessionName(in: body) else { return nil }
        var end = value.upperBound
        while end > value.lowerBound, body[end - 1] == UInt8(ascii: " ") || body[end - 1] == UInt8(ascii: "\t") {
            end -= 1
        }
        let length = end - value.lowerBound
        for (index, name) in lowered.enumerated() where name.count == length {
            var offset = 0
            while offset < length, UserAgentPatternSet.lowercase(body[value.lowerBound + offset]) == name[offset] {
                offset += 1
            }
            if offset == length { return index }
        }
        return nil
    }

    /// Where the value of the session-level `s=` line lies, or nil (no SDP, no `s=` before
    /// the first media section, or none in the first `scanLimit` bytes).
    static func sessionName(in body: UnsafeRawBufferPointer) -> Range<Int>? {
        guard body.count >= 2, body[0] == UInt8(ascii: "v"), body[1] == UInt8(ascii: "=") else { return nil }
        let end = min(body.count, scanLimit)
        var lineStart = 0
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, body[lineEnd] != UInt8(ascii: "\r"), body[lineEnd] != UInt8(ascii: "\n") {
                lineEnd += 1
            }
            if lineEnd - lineStart >= 2, body[lineStart + 1] == UInt8(ascii: "=") {
                switch body[lineStart] {
                case UInt8(ascii: "s"): return (lineStart + 2)..<lineEnd
                // Media descriptions come after the session-level lines (RFC 4566 §5).
                case UInt8(ascii: "m"): return nil
                default: break
                }
            }
            lineStart = lineEnd + 1
        }
        return nil
    }
}
