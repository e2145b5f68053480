import SecurityEvents

/// A provider's host as the operator gives it: an IP address (IPv6 with or without
/// brackets) in canonical form, or a host name (RFC 1123 §2.1) in lower case.
enum ProviderHost {
    static func normalised(_ text: String) throws(InputProblem) -> String {
        var host = Substring(text)
        if host.first == "[", host.last == "]" { host = host.dropFirst().dropLast() }
        if host.contains(":") || host.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
            guard let address = try? IPAddress(parsing: String(host)) else {
                throw InputProblem("\"\(PrintableText.escape(text))\" is not an IPv4 or IPv6 address")
            }
            return address.description
        }
        if host.last == "." { host = host.dropLast() }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !host.isEmpty && host.utf8.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isASCIIDigit || $0 == "-") }
        }
        // RFC 1123 §2.1: a top-level label is never all digits, so a name cannot pass for an
        // address.
        guard valid, let last = labels.last, !last.allSatisfy(\.isASCIIDigit) else {
            throw InputProblem("\"\(PrintableText.escape(text))\" is neither an IP address nor a host name")
        }
        return host.lowercased()
    }
}
