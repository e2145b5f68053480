public import SIPTransport

/// A provider (carrier) as the identification step sees it: the addresses it sends from.
public struct ProviderEndpoint: Sendable, Equatable {
    public var providerId: Int64
    public var name: String
    /// Raw address bytes (4 or 16), resolved from the provider's IPs and host names.
    public var addresses: [[UInt8]]
    /// nil: any source port.
    public var port: Int?
    public var transport: SIPTransportKind
    /// In the RFC 3325 trust domain: its P-Asserted-Identity is believed.
    public var trustedIdentity: Bool

    public init(providerId: Int64, name: String, addresses: [[UInt8]], port: Int?, transport: SIPTransportKind, trustedIdentity: Bool = true) {
        self.providerId = providerId
        self.name = name
        self.addresses = addresses
        self.port = port
        self.transport = transport
        self.trustedIdentity = trustedIdentity
    }
}

/// Finds the provider a request came from by source IP, port and transport, with one
/// dictionary lookup by address.
public struct ProviderMatcher: Sendable {
    private var byAddress: [[UInt8]: [ProviderEndpoint]] = [:]
    private var byId: [Int64: ProviderEndpoint] = [:]

    public init(_ providers: [ProviderEndpoint]) {
        for provider in providers {
            byId[provider.providerId] = provider
            for address in provider.addresses {
                byAddress[address, default: []].append(provider)
            }
        }
    }

    public var isEmpty: Bool { byAddress.isEmpty }

    /// The provider with this id.
    public func provider(id: Int64) -> ProviderEndpoint? { byId[id] }

    /// Every provider address (4 or 16 bytes).
    public var addresses: [[UInt8]] { Array(byAddress.keys) }

    /// The provider matching the source, preferring one with an exact port over "any port".
    public func match(ip: [UInt8], port: Int, transport: SIPTransportKind) -> ProviderEndpoint? {
        guard let candidates = byAddress[ip] else { return nil }
        let sameTransport = candidates.filter { $0.transport == transport }
        return sameTransport.first { $0.port == port } ?? sameTransport.first { $0.port == nil }
    }
}
