/// Where an address is, as far as a country database knows.
public protocol CountryLookup: Sendable {
    /// The ISO 3166-1 alpha-2 code of `address`'s country, uppercase; nil when unknown.
    func countryCode(of address: AddressKey) -> String?
}

/// Which countries may send to the server: only those listed (allow), or all but those
/// listed (deny), with networks that are always admitted whatever their country.
public struct CountryPolicy: Sendable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        case allow
        case deny
    }

    public var mode: Mode
    public var countries: Set<String>
    public var exceptions: NetworkMap<Bool>
    /// Whether an address whose country the database does not know is admitted.
    public var admitUnknown: Bool
    public let lookup: any CountryLookup

    public init(mode: Mode, countries: Set<String>, exceptions: [GuardNetwork], admitUnknown: Bool = true, lookup: any CountryLookup) {
        self.mode = mode
        self.countries = Set(countries.map { $0.uppercased() })
        var map = NetworkMap<Bool>()
        for network in exceptions { map[network] = true }
        self.exceptions = map
        self.admitUnknown = admitUnknown
        self.lookup = lookup
    }

    public enum Verdict: Sendable, Equatable {
        case admit
        /// Refused, with the country (nil: unknown to the database).
        case refuse(country: String?)
    }

    public func verdict(for address: AddressKey) -> Verdict {
        if exceptions.contains(address) { return .admit }
        guard let country = lookup.countryCode(of: address) else {
            return admitUnknown ? .admit : .refuse(country: nil)
        }
        switch mode {
        case .allow: return countries.contains(country) ? .admit : .refuse(country: country)
        case .deny: return countries.contains(country) ? .refuse(country: country) : .admit
        }
    }
}
