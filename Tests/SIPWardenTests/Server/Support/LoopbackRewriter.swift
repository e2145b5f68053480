import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rewrites every IP address literal of a torture message to loopback (IPv4 to 127.0.0.1,
/// IPv6 to ::1), so that nothing the server might act on points outside the machine.
///
/// Message-aware: each message of the datagram (a request and its trailing octets, as in
/// `dblreq.dat`) is rewritten on its own, and a Content-Length that was right (equal to the
/// body that follows, or shorter, as before trailing octets) is set to the rewritten body's
/// length. A deliberately wrong one (larger than what follows, negative, repeated, absent)
/// stays as it was.
enum LoopbackRewriter {
    static func rewrite(_ message: [UInt8]) -> [UInt8] {
        guard let headEnd = find([13, 10, 13, 10], in: message) else { return addresses(message[...]) }
        let head = message[..<headEnd]
        let rest = message[(headEnd + 4)...]
        let lengthRows = headerRows(head).filter { $0.name == "content-length" || $0.name == "l" }
        guard lengthRows.count == 1, let declared = Int(lengthRows[0].value), declared >= 0, declared <= rest.count else {
            return addresses(head) + [13, 10, 13, 10] + addresses(rest)
        }
        let body = addresses(rest.prefix(declared))
        let trailing = rest.dropFirst(declared)
        var newHead = addresses(head)
        if body.count != declared {
            newHead = replacingContentLength(in: newHead, with: body.count)
        }
        return newHead + [13, 10, 13, 10] + body + (trailing.isEmpty ? [] : rewrite(Array(trailing)))
    }

    /// Every IP literal in `bytes` replaced, nothing else touched.
    static func addresses(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard isAddressByte(bytes[index]) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index
            while end < bytes.endIndex, isAddressByte(bytes[end]) { end += 1 }
            output += rewriteRun(String(decoding: bytes[index..<end], as: UTF8.self))
            index = end
        }
        return output
    }

    /// The IP literals found in `bytes` (after rewriting, every one should be loopback).
    static func literals(in bytes: [UInt8]) -> [String] {
        var found: [String] = []
        var index = 0
        while index < bytes.count {
            guard isAddressByte(bytes[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, isAddressByte(bytes[end]) { end += 1 }
            let run = String(decoding: bytes[index..<end], as: UTF8.self)
            if let v6 = ipv6Candidate(run) {
                found.append(v6)
            } else {
                found += run.split(separator: ":").map(String.init).filter(isIPv4)
            }
            index = end
        }
        return found
    }

    // MARK: - Runs of address characters

    /// Hex digits, '.' and ':' (IPv4, IPv6, and a port after a colon).
    private static func isAddressByte(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte) || byte == 46 || byte == 58
    }

    private static func rewriteRun(_ run: String) -> [UInt8] {
        if let v6 = ipv6Candidate(run) {
            // Keep a colon that belongs to what precedes (the `sip:` of `sip:2001:db8::10`).
            let prefix = v6.count < run.count ? ":" : ""
            return Array((prefix + "::1").utf8)
        }
        // IPv4 pieces between colons (`192.0.2.1:5060`); everything else as it was.
        let pieces = run.split(separator: ":", omittingEmptySubsequences: false).map { piece in
            isIPv4(String(piece)) ? "127.0.0.1" : String(piece)
        }
        return Array(pieces.joined(separator: ":").utf8)
    }

    /// The IPv6 literal a run is, if it is one: RFC 4291 text (with an embedded IPv4 tail),
    /// or the three-colon form RFC 5118 §4.10 says to tolerate; a leading lone colon is the
    /// end of a scheme or header name, not part of the address.
    private static func ipv6Candidate(_ run: String) -> String? {
        let trimmed = run.hasPrefix(":") ? [String(run.dropFirst())] : []
        for candidate in trimmed + [run] where candidate.filter({ $0 == ":" }).count >= 2 {
            if isIPv6(candidate) || isIPv6(candidate.replacingOccurrences(of: ":::", with: "::")) { return candidate }
        }
        return nil
    }

    static func isIPv4(_ text: String) -> Bool {
        guard text.split(separator: ".", omittingEmptySubsequences: false).count == 4 else { return false }
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    // MARK: - Header rows

    private static func headerRows(_ head: ArraySlice<UInt8>) -> [(name: String, value: String)] {
        String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].trimmingWhitespace().lowercased(), line[line.index(after: colon)...].trimmingWhitespace())
        }
    }

    /// Byte-level, so that the other rows (which may hold any octets) stay exactly as they were.
    private static func replacingContentLength(in head: [UInt8], with length: Int) -> [UInt8] {
        var lines: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + 1 < head.count {
            if head[index] == 13, head[index + 1] == 10 {
                lines.append(Array(head[start..<index]))
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        lines.append(Array(head[start...]))
        let rewritten = lines.map { line -> [UInt8] in
            guard let colon = line.firstIndex(of: 58) else { return line }
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingWhitespace().lowercased()
            guard name == "content-length" || name == "l" else { return line }
            return Array(line[...colon]) + Array(" \(length)".utf8)
        }
        return Array(rewritten.joined(separator: [13, 10]))
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
