extension OutboundRegistration {
    /// Where the registration stands, as `provider status` shows it. Times are Unix
    /// milliseconds.
    public struct Status: Sendable, Equatable, CustomStringConvertible {
        public enum State: String, Sendable, Equatable {
            /// Not started.
            case idle
            /// A REGISTER is on its way and no binding is known to exist.
            case registering
            /// The provider holds our binding until `registeredUntil`.
            case registered
            /// The last attempt failed; the next one is at `nextAttemptAt`.
            case failed
            /// Stopped (the binding was removed, or the removal was given up).
            case unregistered
        }

        public var state: State
        /// The status code of the last final response (408 for a request that timed out, as
        /// RFC 3261 §8.1.3.1 treats it).
        public var lastStatusCode: Int?
        /// Why the last attempt failed, escaped for display (it may quote the provider).
        public var lastError: String?
        public var registeredUntil: Int64?
        /// The next REGISTER: the refresh when registered, the retry when failed.
        public var nextAttemptAt: Int64?
        /// The Call-ID of the current registration cycle.
        public var callID: String?

        public init(
            state: State, lastStatusCode: Int? = nil, lastError: String? = nil, registeredUntil: Int64? = nil,
            nextAttemptAt: Int64? = nil, callID: String? = nil
        ) {
            self.state = state
            self.lastStatusCode = lastStatusCode
            self.lastError = lastError
            self.registeredUntil = registeredUntil
            self.nextAttemptAt = nextAttemptAt
            self.callID = callID
        }

        public var description: String {
            var parts = [state.rawValue]
            if let lastStatusCode { parts.append("code \(lastStatusCode)") }
            if let lastError { parts.append(lastError) }
            return parts.joined(separator: ", ")
        }
    }
}
