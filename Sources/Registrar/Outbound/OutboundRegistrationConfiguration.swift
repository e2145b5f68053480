import SIPCore

extension OutboundRegistration {
    /// What one registration to a provider (RFC 3261 §10.2) needs to know: who registers, to
    /// which registrar, from which address, and the timers.
    public struct Configuration: Sendable, Equatable {
        /// RFC 3261 §10.2.4 says a UA SHOULD keep one Call-ID for every REGISTER to a
        /// registrar; some providers only accept a fresh one per registration (they answer
        /// "400 Invalid CSeq number" to the refresh), so this is chosen per provider.
        public enum CallIDPolicy: String, Sendable, Equatable, CaseIterable {
            /// One Call-ID for the registration's life, CSeq + 1 for each REGISTER.
            case keep
            /// A fresh Call-ID (and CSeq from 1) for each registration or refresh.
            case new
        }

        /// RFC 3261 §17.1.2.2 timers and the client's own retry and refresh policy, in
        /// milliseconds.
        public struct Timers: Sendable, Equatable {
            /// T1, the first retransmission interval over UDP (§17.1.1.1).
            public var t1: Int64 = 500
            /// T2, the cap of the doubling (§17.1.2.2).
            public var t2: Int64 = 4_000
            /// The first wait after a failed attempt; doubled after each further failure.
            public var firstRetryDelay: Int64 = 30_000
            /// The longest wait between attempts.
            public var maxRetryDelay: Int64 = 600_000
            /// A refresh leaves at least this much of the granted time (20 % of it when that
            /// is more), so that a lost request still has time to be retransmitted; never
            /// more than half of it.
            public var minimumRefreshMargin: Int64 = 5_000

            /// Timer F: 64·T1, when an unanswered request is given up (§17.1.2.2).
            public var timeout: Int64 { 64 * t1 }

            public init() {}
        }

        /// The registrar's host as it goes into the Request-URI (a name or an IP literal).
        public var registrarHost: String
        /// The registrar's port; nil or 5060 leaves it out of the Request-URI.
        public var registrarPort: Int?
        /// The host part of the address-of-record in From and To.
        public var domain: String
        public var username: String
        /// The realm the stored HA1 values were made for.
        public var realm: String
        public var ha1MD5: String?
        public var ha1SHA256: String?
        /// Seconds asked for in Expires (§10.2.1.1).
        public var expires: Int
        public var callIDPolicy: CallIDPolicy
        /// Our address as the provider must reach it: the Via sent-by and the Contact.
        public var localHost: String
        public var localPort: Int
        /// The User-Agent header; empty (the default): none, so that nothing names the product.
        public var userAgent = ""
        public var timers = Timers()

        public init(
            registrarHost: String, registrarPort: Int?, domain: String, username: String, realm: String,
            ha1MD5: String?, ha1SHA256: String?, expires: Int, callIDPolicy: CallIDPolicy, localHost: String, localPort: Int
        ) {
            self.registrarHost = registrarHost
            self.registrarPort = registrarPort
            self.domain = domain
            self.username = username
            self.realm = realm
            self.ha1MD5 = ha1MD5
            self.ha1SHA256 = ha1SHA256
            self.expires = expires
            self.callIDPolicy = callIDPolicy
            self.localHost = localHost
            self.localPort = localPort
        }

        /// `sip:host[:port]`: the registrar's domain (§10.2: "the Request-URI names the domain
        /// of the location service"), with the port when it is not the default.
        public var requestURI: String {
            let host = Self.uriHost(registrarHost)
            guard let registrarPort, registrarPort != 5060 else { return "sip:\(host)" }
            return "sip:\(host):\(registrarPort)"
        }

        /// `host:port` of our sent-by and Contact.
        var localHostPort: String { "\(Self.uriHost(localHost)):\(localPort)" }

        /// The Contact URI of our binding (§10.2.1).
        public var contactURI: String { "sip:\(username)@\(localHostPort)" }

        /// The address-of-record (§10.2: To names the AOR, From the same for a self-registration).
        var addressOfRecord: String { "sip:\(username)@\(Self.uriHost(domain))" }

        /// The stored HA1 for an algorithm; nil when the provider's password was not hashed
        /// with it.
        func ha1(for algorithm: DigestAlgorithm) -> String? {
            switch algorithm {
            case .md5: return ha1MD5
            case .sha256: return ha1SHA256
            // The -sess variants and others are not offered to this client (RFC 7616 §3.4.2
            // would allow -sess from the same HA1, but no provider is known to need them).
            default: return nil
            }
        }

        /// An IPv6 literal goes into a URI or Via in brackets (RFC 3261 §25.1 IPv6reference).
        static func uriHost(_ host: String) -> String {
            host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }
}
