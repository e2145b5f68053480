import Foundation
import NIOCore
import SIPCore
import Synchronization

/// A provider's registrar on a loopback UDP socket the test controls: answers a REGISTER
/// without credentials with 401 (MD5, qop=auth, a fresh nonce), checks the digest of the
/// next one with DigestCalculator and answers 200 with a short expiry, or 403 when the
/// digest is wrong. Every REGISTER is recorded.
final class FakeProviderRegistrar: Sendable {
    struct Received: Sendable, CustomStringConvertible {
        let callID: String
        let cseq: Int
        let expires: Int?
        let authorized: Bool
        /// The digest response matched the password (nil without credentials).
        let digestValid: Bool?
        let source: SocketAddress

        var description: String { "\(callID) CSeq \(cseq) expires \(expires.map(String.init) ?? "-") auth \(authorized) valid \(digestValid.map { "\($0)" } ?? "-")" }
    }

    static let realm = "provider.example"

    let socket: UDPTestClient
    let username: String
    let password: String
    let grantedExpires: Int
    private let received = Mutex<[Received]>([])
    private let nonces = Mutex<Set<String>>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init(socket: UDPTestClient, username: String, password: String, grantedExpires: Int) {
        self.socket = socket
        self.username = username
        self.password = password
        self.grantedExpires = grantedExpires
    }

    static func start(username: String, password: String, grantedExpires: Int = 2) async throws -> FakeProviderRegistrar {
        let registrar = FakeProviderRegistrar(
            socket: try await UDPTestClient.bind(), username: username, password: password, grantedExpires: grantedExpires)
        let loop = Task { [registrar] in await registrar.serve() }
        registrar.task.withLock { $0 = loop }
        return registrar
    }

    var port: Int { socket.port }
    var requests: [Received] { received.withLock { $0 } }

    func stop() async {
        task.withLock { $0 }?.cancel()
        await socket.close()
    }

    private func serve() async {
        var handled = 0
        while !Task.isCancelled {
            let arrived = socket.arrivals(since: handled)
            handled += arrived.count
            for datagram in arrived { await answer(datagram) }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func answer(_ datagram: ClientInbox.Datagram) async {
        guard let request = TestMessage.parse(datagram: datagram.bytes), request.statusCode == nil,
            request.startLine.hasPrefix("REGISTER "), var message = try? SIPMessage(parsing: datagram.bytes)
        else { return }
        let callID = request.callID ?? ""
        let cseq = (try? message.cseq()).map { Int($0.sequence) } ?? 0
        let expires = request.value("Expires").flatMap { Int($0) }
        let credentials = (try? message.authorizations())?.first
        var digestValid: Bool?
        if let credentials { digestValid = verify(credentials) }
        received.withLock {
            $0.append(Received(callID: callID, cseq: cseq, expires: expires, authorized: credentials != nil, digestValid: digestValid, source: datagram.source))
        }
        var lines = ["Via: " + request.values("Via").joined(separator: ", "), "From: \(request.value("From") ?? "")",
                     "To: \(request.value("To") ?? "");tag=provider", "Call-ID: \(callID)", "CSeq: \(request.value("CSeq") ?? "")"]
        let status: String
        switch digestValid {
        case nil:
            let nonce = "n" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            nonces.withLock { _ = $0.insert(nonce) }
            status = "401 Unauthorized"
            lines.append("WWW-Authenticate: Digest realm=\"\(Self.realm)\", nonce=\"\(nonce)\", algorithm=MD5, qop=\"auth\"")
        case true?:
            status = "200 OK"
            if expires != 0, let contact = request.value("Contact") { lines.append("Contact: \(contact);expires=\(grantedExpires)") }
        case false?:
            status = "403 Forbidden"
        }
        let response = (["SIP/2.0 \(status)"] + lines + ["Content-Length: 0", "", ""]).joined(separator: "\r\n")
        try? await socket.send(response, to: datagram.source)
    }

    private func verify(_ credentials: SIPAuthValue) -> Bool {
        guard credentials.username == username, credentials.realm == Self.realm, let nonce = credentials.nonce,
            nonces.withLock({ $0.contains(nonce) }), let uri = credentials.uri, credentials.qop == "auth",
            let cnonce = credentials.cnonce, let nc = credentials.nonceCount, let response = credentials.response
        else { return false }
        let ha1 = DigestCalculator.ha1(username: username, realm: Self.realm, password: password, algorithm: .md5)
        let ha2 = DigestCalculator.ha2(method: "REGISTER", digestURI: uri, qop: .auth, algorithm: .md5)
        let expected = DigestCalculator.response(ha1: ha1, nonce: nonce, nonceCount: nc, cnonce: cnonce, qop: .auth, ha2: ha2, algorithm: .md5)
        return DigestCalculator.constantTimeEquals(expected, response)
    }
}
