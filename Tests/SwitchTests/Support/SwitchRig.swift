import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Registrar
import SecurityEvents
import SIPCore
import SIPTransaction
import SIPTransport
@testable import Switch
import Synchronization
import Testing

/// One engine with the whole switch behind it, on a manual clock, with an embedded channel
/// standing in for the sockets: device `alice` (account 1, prepaid, with money and a rate
/// for every number) at 127.0.0.2:5062, device `bob` (account 2) registered from
/// 127.0.0.3:5070, the provider `carrier` at 127.0.0.9:5060 reached for numbers starting
/// `00`. Every message the engine sends is read back with its destination; every record and
/// security event is kept.
struct SwitchRig {
    final class Records: CallRecordSink {
        let list = Mutex<[CallRecordDraft]>([])
        func record(_ draft: CallRecordDraft) { list.withLock { $0.append(draft) } }
        var all: [CallRecordDraft] { list.withLock { $0 } }
    }

    final class Events: SecurityEventSink {
        let list = Mutex<[SecurityEvent]>([])
        func emit(_ event: SecurityEvent) { list.withLock { $0.append(event) } }
        var all: [SecurityEvent] { list.withLock { $0 } }
        var kinds: [SecurityEvent.Kind] { all.map(\.kind) }
    }

    final class ManualClock: Sendable {
        let nanoseconds = Mutex<Int64>(1_000_000_000)
        func advance(seconds: Double) { nanoseconds.withLock { $0 += Int64(seconds * 1e9) } }
        var instant: SIPInstant { SIPInstant(nanoseconds: nanoseconds.withLock { $0 }) }
        var milliseconds: Int64 { 1_800_000_000_000 + nanoseconds.withLock { $0 } / 1_000_000 }
    }

    static let alice = try! SocketAddress(ipAddress: "127.0.0.2", port: 5062)
    static let phone = try! SocketAddress(ipAddress: "127.0.0.3", port: 5070)
    static let carrier = try! SocketAddress(ipAddress: "127.0.0.9", port: 5060)
    static let attacker = try! SocketAddress(ipAddress: "127.0.0.66", port: 5060)
    static let password = "Correct-Horse-9"
    static let pricePerMinute: Int64 = 60_000

    let engine: SIPEngine
    let channel: EmbeddedChannel
    let clock: ManualClock
    let records: Records
    let events: Events
    let calls: CallServices
    let callers: CallerServices

    init(maxCallSeconds: Int = 3_600, transfers: Bool = false) {
        let clock = ManualClock()
        let channel = EmbeddedChannel()
        // Active, as a bound socket is: an inactive embedded channel refuses writes.
        try! channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 5060)).wait()
        let events = Events()
        let ha1 = { (name: String, algorithm: DigestAlgorithm) in
            DigestCalculator.ha1(username: name, realm: "sipwarden", password: Self.password, algorithm: algorithm)
        }
        let devices = ["alice": (Int64(1), Int64(1)), "bob": (Int64(2), Int64(2))].map { name, ids in
            DeviceCredentials(id: ids.0, accountId: ids.1, username: name, realm: "sipwarden", ha1MD5: ha1(name, .md5), ha1SHA256: ha1(name, .sha256))
        }
        let callers = CallerServices(
            configuration: .init(), secret: Array(repeating: 7, count: 32),
            directory: CallerDirectoryHolder(CallerDirectory(
                devices: devices,
                providers: [ProviderEndpoint(providerId: 5, name: "carrier", addresses: [[127, 0, 0, 9]], port: nil, transport: .udp)],
                dids: ["+441234567": 2, "+442000000": 1])),
            events: events, wallClock: { clock.milliseconds })
        callers.registrar.load([Binding(
            deviceId: 2, contact: "sip:bob@127.0.0.3:5070", qThousandths: nil, expiresAt: clock.milliseconds + 3_600_000, callID: "r",
            cseq: 1, source: SecuritySource(transport: "udp", ip: "127.0.0.3", port: 5070), userAgent: nil,
            updatedAt: clock.milliseconds)], now: clock.milliseconds)
        var settings = CallServices.Configuration()
        settings.maxCallSeconds = maxCallSeconds
        let routing = CallRouting(
            plan: DialPlan(routes: [OutboundRoute(prefix: "+", targets: [RouteTarget(providerId: 5)])], policy: DestinationPolicy(denyList: [])),
            accounts: [1: .init(allowsTransfers: transfers), 2: .init(allowsTransfers: transfers)],
            providers: [5: .init(id: 5, name: "carrier", host: "127.0.0.9", port: 5060, endpoint: CallEndpoint(transport: .udp, address: Self.carrier))],
            rates: RateTable([(nil, Tariff(prefix: "+", pricePerMinuteMicros: Self.pricePerMinute))]))
        let ledger = Ledger()
        ledger.load([
            1: .init(prepaid: true, balanceMicros: 100_000_000, creditLimitMicros: 0),
            2: .init(prepaid: true, balanceMicros: 100_000_000, creditLimitMicros: 0),
        ], generation: ledger.generation)
        let records = Records()
        let calls = CallServices(configuration: settings, routing: routing, ledger: ledger, records: records)
        calls.network.install(
            addresses: [.init(transport: .udp, ipv6: false): .init(host: "127.0.0.1", port: 5060)],
            sender: { endpoint, _ in SIPReplySender(channel: channel, destination: endpoint.address) },
            delivery: { _, _, _ in })
        var configuration = SIPEngine.Configuration()
        configuration.transactions = .init(capacity: 1_000, timers: .rfc3261, sendsTrying: false)
        engine = SIPEngine(
            configuration: configuration, responder: LocalResponder(identity: ServerIdentity(hosts: ["127.0.0.1"])),
            logger: Logger(label: "test"), callers: callers, calls: calls, loopIndex: 0, clock: { clock.instant })
        self.channel = channel
        self.clock = clock
        self.records = records
        self.events = events
        self.calls = calls
        self.callers = callers
    }

    /// Everything the engine sent since the last look, as (destination, message).
    func sent() throws -> [(SocketAddress, SIPMessage)] {
        channel.flush()
        var out: [(SocketAddress, SIPMessage)] = []
        while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
            out.append((envelope.remoteAddress, try SIPMessage(parsing: envelope.data)))
        }
        return out
    }

    func receive(_ text: String, from address: SocketAddress) {
        let peer = SIPPeer(transport: .udp, remote: address, local: nil)
        engine.process(.datagram(ByteBuffer(string: text)), from: peer, replies: SIPReplySender(channel: channel, destination: address))
    }

    func receive(_ message: SIPMessage, from address: SocketAddress) {
        receive(String(decoding: message.bytes.readableBytesView, as: UTF8.self), from: address)
    }

    func tick(seconds: Double) {
        clock.advance(seconds: seconds)
        engine.advance(to: clock.instant)
    }

    // MARK: - Messages

    /// A request as a UA writes it; `headers` go after the mandatory ones.
    static func request(
        _ method: String, uri: String, from: String, to: String, callID: String, cseq: UInt32, via: String, headers: [String] = [],
        cseqMethod: String? = nil, body: String = ""
    ) -> String {
        var lines = [
            "\(method) \(uri) SIP/2.0", "Via: \(via)", "Max-Forwards: 70", "From: \(from)", "To: \(to)", "Call-ID: \(callID)",
            "CSeq: \(cseq) \(cseqMethod ?? method)",
        ]
        lines += headers
        lines.append("Content-Length: \(body.utf8.count)")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// A UA's answer to `request` (a forwarded one: every Via kept), with `tag` added to To
    /// unless it has one.
    static func response(_ status: Int, to request: SIPMessage, tag: String = "callee1", contact: String? = nil) -> String {
        var request = request
        let vias = request.headers.values(.via).map(\.string)
        let received = request.headers.values(.to).first?.string ?? ""
        let to = (try? request.to().tag) == nil ? received + ";tag=\(tag)" : received
        let cseq = (try? request.cseq()).map { "\($0.sequence) \($0.method.name)" } ?? ""
        var lines = ["SIP/2.0 \(status) \(SIPReasonPhrases.phrase(for: status))"]
        lines += vias.map { "Via: \($0)" }
        lines += [
            "From: \(request.headers.values(.from).first?.string ?? "")", "To: \(to)",
            "Call-ID: \(request.headers.values(.callID).first?.string ?? "")", "CSeq: \(cseq)",
        ]
        lines += request.headers.values(.recordRoute).map { "Record-Route: \($0.string)" }
        if let contact { lines.append("Contact: <\(contact)>") }
        lines.append("Content-Length: 0")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// An INVITE from alice to `number`, answered 407 first and then sent with credentials,
    /// as a phone does; returns the authenticated INVITE's CSeq.
    @discardableResult
    func aliceCalls(_ number: String, callID: String = "call-a", tag: String = "alice1", from address: SocketAddress = SwitchRig.alice) throws -> UInt32 {
        let uri = "sip:\(number)@127.0.0.1"
        let first = Self.request(
            "INVITE", uri: uri, from: "<sip:alice@127.0.0.1>;tag=\(tag)", to: "<\(uri)>", callID: callID, cseq: 1,
            via: "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-a1-\(callID);rport", headers: ["Contact: <sip:alice@127.0.0.2:5062>"])
        receive(first, from: address)
        var challenge = try #require(try sent().first { $0.1.statusCode == 407 }?.1)
        let header = try #require(challenge.headers.values(.proxyAuthenticate).first?.string)
        let nonce = String(header.split(separator: "nonce=\"")[1].prefix { $0 != "\"" })
        let ha1 = DigestCalculator.ha1(username: "alice", realm: "sipwarden", password: Self.password, algorithm: .md5)
        let ha2 = DigestCalculator.ha2(method: "INVITE", digestURI: uri, qop: .auth, algorithm: .md5)
        let response = DigestCalculator.response(ha1: ha1, nonce: nonce, nonceCount: "00000001", cnonce: "c0ffee", qop: .auth, ha2: ha2, algorithm: .md5)
        _ = try? challenge.to()
        let second = Self.request(
            "INVITE", uri: uri, from: "<sip:alice@127.0.0.1>;tag=\(tag)", to: "<\(uri)>", callID: callID, cseq: 2,
            via: "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-a2-\(callID);rport",
            headers: [
                "Contact: <sip:alice@127.0.0.2:5062>",
                "Proxy-Authorization: Digest username=\"alice\", realm=\"sipwarden\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(response)\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c0ffee\"",
            ])
        receive(second, from: address)
        return 2
    }

    /// alice calls the carrier, which answers: the call is up. Returns the INVITE the
    /// carrier received.
    func answeredOutboundCall(callID: String = "call-a") throws -> SIPMessage {
        try aliceCalls("0044207", callID: callID)
        let invite = try #require(try sent().first { $0.0 == Self.carrier && $0.1.method == .invite }?.1)
        receive(Self.response(200, to: invite, tag: "carrier1", contact: "sip:0044207@127.0.0.9:5060"), from: Self.carrier)
        _ = try sent()
        return invite
    }
}
