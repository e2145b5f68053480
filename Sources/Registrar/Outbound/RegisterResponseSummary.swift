public import SIPCore

extension OutboundRegistration {
    /// What the registration reads of a response to its REGISTER, as plain values: the
    /// matching keys (RFC 3261 §17.1.3: branch of the top Via and CSeq; and the Call-ID),
    /// the challenges (§22.2), and the expiry the registrar granted (§10.2.4).
    public struct ResponseSummary: Sendable, Equatable {
        /// One Contact of a 2xx: the registrar lists every binding of the address-of-record
        /// with its expiry (§10.3 step 8).
        public struct Contact: Sendable, Equatable {
            public var uri: String
            public var expires: UInt32?

            public init(uri: String, expires: UInt32?) {
                self.uri = uri
                self.expires = expires
            }
        }

        public var statusCode: Int
        public var reasonPhrase: String
        public var callID: String
        public var cseq: UInt32
        /// The branch of the top Via.
        public var branch: String?
        /// Each WWW-Authenticate value (one challenge per field, §20.44).
        public var wwwAuthenticate: [String]
        /// Each Proxy-Authenticate value (§20.27).
        public var proxyAuthenticate: [String]
        public var expires: UInt32?
        public var contacts: [Contact]
        public var minExpires: UInt32?

        public init(
            statusCode: Int, reasonPhrase: String = "", callID: String, cseq: UInt32, branch: String?,
            wwwAuthenticate: [String] = [], proxyAuthenticate: [String] = [], expires: UInt32? = nil,
            contacts: [Contact] = [], minExpires: UInt32? = nil
        ) {
            self.statusCode = statusCode
            self.reasonPhrase = reasonPhrase
            self.callID = callID
            self.cseq = cseq
            self.branch = branch
            self.wwwAuthenticate = wwwAuthenticate
            self.proxyAuthenticate = proxyAuthenticate
            self.expires = expires
            self.contacts = contacts
            self.minExpires = minExpires
        }

        /// Reads a parsed response; nil when it is not a response to a REGISTER or lacks
        /// what matching needs (Call-ID, CSeq, a top Via). A malformed optional header
        /// (Contact, Expires, Min-Expires) counts as absent: the response still ends the
        /// request, it just grants the default.
        public init?(_ message: inout SIPMessage) {
            guard let statusCode = message.statusCode,
                let callID = try? message.callID(),
                let cseq = try? message.cseq(), cseq.method == .register,
                let via = try? message.topVia()
            else { return nil }
            self.statusCode = statusCode
            self.reasonPhrase = message.reasonPhrase?.string ?? ""
            self.callID = callID.string
            self.cseq = cseq.sequence
            self.branch = via.branch?.string
            // One challenge per field; each is parsed (and checked) when it is chosen.
            self.wwwAuthenticate = message.headers.filter { $0.name == .wwwAuthenticate }.map(\.unfoldedValue.string)
            self.proxyAuthenticate = message.headers.filter { $0.name == .proxyAuthenticate }.map(\.unfoldedValue.string)
            self.expires = (try? message.expires()) ?? nil
            let contacts = (try? message.contacts())?.contacts ?? []
            self.contacts = contacts.map { Contact(uri: $0.uri.text.string, expires: $0.expires) }
            // Min-Expires = delta-seconds (§20.23).
            self.minExpires = message.headers.values(.minExpires).first.flatMap { UInt32($0.string.trimmingSpaces) }
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
