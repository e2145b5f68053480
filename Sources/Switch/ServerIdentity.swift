public import SIPCore

/// Who the server is: the names and addresses a Request-URI may use to address the server
/// itself, and what it says about itself.
public struct ServerIdentity: Sendable {
    /// Lower-cased host names and IP addresses (IPv6 without brackets).
    public private(set) var hosts: Set<String>
    /// The Server header of responses; nil (the default) sends none: a banner naming the
    /// product and version tells a scanner which exploits to try.
    public var serverHeader: String?

    public init(hosts: some Sequence<String>, serverHeader: String? = nil) {
        self.hosts = Set(hosts.map { Self.normalise($0) })
        self.serverHeader = serverHeader
    }

    public mutating func add(host: String) {
        hosts.insert(Self.normalise(host))
    }

    /// Whether `uri` addresses this server rather than a user or another domain.
    public func isLocal(_ uri: SIPURI) -> Bool {
        hosts.contains(Self.normalise(uri.hostAddress.string))
    }

    static func normalise(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }
}
