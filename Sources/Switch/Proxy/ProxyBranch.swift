public import SIPCore

/// The proxy's Via branches (RFC 3261 §8.1.1.7, magic cookie first). A branch says how its
/// answers are handled, since they may reach any event loop (each UDP socket of the
/// SO_REUSEPORT group gets its share of sources):
/// - `z9hG4bK-swL<n>-<random>`: a client transaction of loop n's engine, which the answer
///   is handed to;
/// - `z9hG4bK-swS-<mac>`: a stateless forward (an ACK or an in-dialog request), whose
///   answer is forwarded on at once by whichever loop reads it. The MAC of the incoming
///   branch, Call-ID and next hop makes a retransmission carry the same branch (§16.11) and
///   lets the switch check that an answer goes back only where its request came from.
public enum ProxyBranch: Equatable, Sendable {
    case transaction(loop: Int)
    case stateless

    static let prefix = "z9hG4bK-sw"

    public static func branch(loop: Int, random: String = SIPTag.random()) -> String {
        "\(prefix)L\(loop)-\(random)"
    }

    /// The branch of a stateless forward: a MAC (HMAC-SHA-256, 96 bits) over the incoming
    /// branch, the Call-ID and the next hop the response must take, so that only a response
    /// following the Via the switch wrote is passed on.
    static func stateless(incomingBranch: String, callID: String, nextHop: StatelessHop, key: KeyedHash) -> String {
        var message = Array(incomingBranch.utf8)
        message.append(0)
        message += callID.utf8
        message.append(0)
        message += nextHop.transport.uppercased().utf8
        message.append(0)
        message += nextHop.received.utf8
        message.append(0)
        message += String(nextHop.port).utf8
        let mac = key.mac(message).prefix(12)
        var text = "\(prefix)S-"
        for byte in mac {
            text.append(Character(Unicode.Scalar(hexDigits[Int(byte >> 4)])))
            text.append(Character(Unicode.Scalar(hexDigits[Int(byte & 0x0F)])))
        }
        return text
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// What a branch of ours says; nil for someone else's.
    public init?(_ branch: SIPString) {
        let text = branch.string
        guard text.hasPrefix(Self.prefix) else { return nil }
        let rest = text.dropFirst(Self.prefix.count)
        if rest.hasPrefix("S-") {
            self = .stateless
            return
        }
        guard rest.hasPrefix("L"), let dash = rest.firstIndex(of: "-"),
            let loop = Int(rest[rest.index(after: rest.startIndex)..<dash]), loop >= 0, loop < 1024
        else { return nil }
        self = .transaction(loop: loop)
    }
}

/// Where the answer to a stateless forward goes: the previous hop as the switch wrote its
/// Via (the transport token, `received`, `rport`).
struct StatelessHop: Sendable, Equatable {
    var transport: String
    var received: String
    var port: Int
}
