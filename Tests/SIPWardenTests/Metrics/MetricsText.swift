import SIPWarden

/// A scrape's text read back: each sample line (`name{labels} value`) by its series, the
/// name with its labels exactly as written.
struct MetricsText: CustomStringConvertible {
    let text: String
    let samples: [String: String]

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        var samples: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        self.samples = samples
    }

    /// The metrics of `server` now.
    init(_ server: SIPServer) {
        self.init(server.metrics.render())
    }

    subscript(_ series: String) -> String? { samples[series] }

    var description: String { text }
}
