/// What happens to a dialled number: a local extension (a device or an alias), a DID, a route
/// to providers, or a refusal with its cause, decided at once so that an unroutable or
/// refused call is answered fast and never rings anything. Pure: the directory is passed in.
public struct DialPlan: Sendable {
    public enum Decision: Sendable, Equatable {
        /// A device of this switch, by username.
        case local(username: String)
        /// A DID, owned by a device.
        case did(number: String, deviceId: Int64)
        /// Providers to try in order, each with the number written for it.
        case outbound([OutboundAttempt])
        case refused(Refusal)
    }

    public struct OutboundAttempt: Sendable, Equatable {
        public var providerId: Int64
        public var number: String

        public init(providerId: Int64, number: String) {
            self.providerId = providerId
            self.number = number
        }
    }

    /// A refusal: the SIP answer and the CDR's hang-up cause.
    public struct Refusal: Sendable, Equatable {
        public enum Cause: String, Sendable, Equatable {
            /// No extension, DID or route for the number.
            case noRoute = "no-route"
            /// The account may not call there (its rules or the high-risk list).
            case notAllowed = "not-allowed"
            /// The number cannot be dialled (letters, too long).
            case invalidNumber = "invalid-number"
        }

        public var cause: Cause
        public var status: Int
        public var reason: String

        public init(cause: Cause, status: Int, reason: String) {
            self.cause = cause
            self.status = status
            self.reason = reason
        }
    }

    /// Who is calling, as far as routing cares.
    public enum Origin: Sendable, Equatable {
        /// A device of `rules`' account: local numbers, DIDs and outbound routes.
        case device(rules: DestinationPolicy.AccountRules)
        /// A provider or a guest: DIDs only (a provider's call for anything else is not ours
        /// to carry; a guest never reaches an outbound route).
        case inbound
    }

    public var routes: PrefixTable<OutboundRoute>
    public var policy: DestinationPolicy
    public var accessCodes: [String]
    /// The status of an unroutable number: 404 (default) or 403.
    public var noRouteStatus: Int

    public init(routes: [OutboundRoute], policy: DestinationPolicy, accessCodes: [String] = ["00"], noRouteStatus: Int = 404) {
        self.routes = PrefixTable(routes.map { ($0.prefix, $0) })
        self.policy = policy
        self.accessCodes = accessCodes
        self.noRouteStatus = noRouteStatus
    }

    /// - Parameters:
    ///   - isLocal: whether a user part names a device (or an alias of one), and which.
    ///   - did: the device owning a DID.
    public func decide(
        _ dialled: String, origin: Origin, isLocal: (String) -> String?, did: (String) -> Int64?
    ) -> Decision {
        // Extensions and DIDs as written first: `1001`, `+441234567890`.
        if case .device = origin, let username = isLocal(dialled) { return .local(username: username) }
        if let deviceId = did(dialled) { return .did(number: dialled, deviceId: deviceId) }
        let number: DialledNumber
        do throws(DialledNumber.ParseError) {
            number = try DialledNumber(parsing: dialled, accessCodes: accessCodes)
        } catch {
            return .refused(Refusal(cause: .invalidNumber, status: 484, reason: "Address Incomplete - not a dialable number"))
        }
        // A DID in its other written form (`0044…` for `+44…`).
        if let international = number.international, let deviceId = did(international) {
            return .did(number: international, deviceId: deviceId)
        }
        guard case .device(let rules) = origin else {
            return .refused(Refusal(cause: .noRoute, status: noRouteStatus, reason: "No such number here"))
        }
        switch policy.verdict(for: number, account: rules) {
        case .allowed:
            break
        case .highRisk(let prefix, let reason):
            return .refused(Refusal(cause: .notAllowed, status: 403, reason: "Forbidden - \(prefix) is a high-risk destination (\(reason))"))
        case .deniedForAccount(let prefix):
            return .refused(Refusal(cause: .notAllowed, status: 403, reason: "Forbidden - \(prefix) is denied for this account"))
        case .notInAllowedList:
            return .refused(Refusal(cause: .notAllowed, status: 403, reason: "Forbidden - not among this account's allowed destinations"))
        }
        guard let (_, route) = routes.longestMatch(number.ruleForm), !route.targets.isEmpty else {
            return .refused(Refusal(cause: .noRoute, status: noRouteStatus, reason: "No route to \(number.ruleForm)"))
        }
        return .outbound(route.targets.map { OutboundAttempt(providerId: $0.providerId, number: $0.rewrite(number)) })
    }
}
