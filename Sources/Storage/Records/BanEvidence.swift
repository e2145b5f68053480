public import Foundation

/// One security event that counted towards a ban, kept with the ban so that the operator can
/// see why a source was banned long after the Guard forgot its score. Every text field but
/// `kind` and `source` is what the peer sent (attacker-controlled): escape it wherever it is
/// shown.
public struct BanEvidence: Codable, Sendable, Equatable {
    public var time: Date
    /// The security event kind (`auth_failure`, `unknown_user`, ...).
    public var kind: String
    /// What the event added to the source's score in its jail.
    public var weight: Int
    /// transport:ip:port, e.g. `udp:192.0.2.7:5060`.
    public var source: String
    public var username: String?
    public var reason: String?
    public var method: String
    public var requestURI: String
    public var from: String
    public var to: String
    public var callID: String
    public var contact: String?
    public var userAgent: String?

    public init(
        time: Date, kind: String, weight: Int, source: String, username: String? = nil, reason: String? = nil,
        method: String, requestURI: String, from: String, to: String, callID: String, contact: String? = nil,
        userAgent: String? = nil
    ) {
        self.time = time
        self.kind = kind
        self.weight = weight
        self.source = source
        self.username = username
        self.reason = reason
        self.method = method
        self.requestURI = requestURI
        self.from = from
        self.to = to
        self.callID = callID
        self.contact = contact
        self.userAgent = userAgent
    }
}

/// How JSON columns written by the Guard (ban evidence, the status snapshot) are coded: dates
/// as ISO 8601 text in UTC with milliseconds (the precision of GRDB's datetime columns), so
/// that the JSON stays readable with the sqlite3 shell; keys sorted, so that equal values
/// are equal text.
enum StoredJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(withMilliseconds))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? withMilliseconds.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an ISO 8601 date")
        }
        return decoder
    }

    private static let withMilliseconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
