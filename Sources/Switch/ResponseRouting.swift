import NIOCore
import SIPCore
import SIPTransport

/// Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4), and the source details it reports
/// back in the top Via.
struct ResponseRouting {
    let forceRport: Bool

    /// The top Via value of the response: `received` when the sent-by host is not the packet's
    /// source address (§18.2.1), `received` and `rport` when the client asked for rport
    /// (RFC 3581 §4).
    func topVia(for via: SIPVia, peer: SIPPeer) -> SIPString? {
        guard let sourceIP = peer.remote.ipAddressBytes else { return nil }
        let received = SIPString(sourceIP)
        let wantsRport = via.rport != .absent
        guard wantsRport || !Self.sentByIsSource(via, received) else { return nil }
        return via.withSource(received: received, rport: wantsRport ? peer.remote.port : nil)
    }

    /// Whether the sent-by host is the packet's source address. A dotted quad is compared as
    /// written: a spelling that differs only in form (leading zeros) gets `received` added,
    /// which §18.2.1 always allows. IPv6 references are compared as addresses.
    static func sentByIsSource(_ via: SIPVia, _ sourceIP: SIPString) -> Bool {
        switch via.hostKind {
        case .domainName: return false
        case .ipv4: return via.host == sourceIP
        case .ipv6: return sameIP(via.hostAddress, sourceIP.string)
        }
    }

    /// The sender for a response. On a connection, the connection. Over UDP the packet's
    /// source address and port when `forceRport` is on or the client asked for rport;
    /// otherwise the source address with the sent-by port (the `received` rule). The address
    /// is always the source's: nothing written in the message can aim a response at
    /// someone else, so the server cannot be used as a reflector.
    func replies(for via: SIPVia?, peer: SIPPeer, replies: SIPReplySender) -> SIPReplySender {
        guard peer.transport == .udp, !forceRport, let via, via.rport == .absent else { return replies }
        let port = via.port ?? peer.transport.defaultPort
        guard let ip = peer.remote.ipAddress, let destination = try? SocketAddress(ipAddress: ip, port: port) else {
            return replies
        }
        return replies.redirected(to: destination)
    }

    static func sameIP(_ host: SIPString, _ ip: String) -> Bool {
        guard let a = try? SocketAddress(ipAddress: host.string, port: 0),
            let b = try? SocketAddress(ipAddress: ip, port: 0)
        else { return false }
        return a.ipAddress == b.ipAddress
    }
}

extension SIPVia {
    /// The sent-by host without IPv6 brackets.
    var hostAddress: SIPString {
        let text = host.string
        guard text.hasPrefix("["), text.hasSuffix("]") else { return host }
        return SIPString(String(text.dropFirst().dropLast()))
    }
}
