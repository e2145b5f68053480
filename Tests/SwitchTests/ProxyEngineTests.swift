import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Registrar
import SecurityEvents
import SIPCore
import SIPTransaction
import SIPTransport
import Switch
import Synchronization
import Testing

/// The proxy inside one engine, on a manual clock, with an embedded channel standing in for
/// the sockets: a provider's call to a DID rings the device at the address it registered
/// from, answers and hang-ups go through, timers end calls, and every call is recorded.
@Suite("Proxy engine")
struct ProxyEngineTests {
    final class Records: CallRecordSink {
        let list = Mutex<[CallRecordDraft]>([])
        func record(_ draft: CallRecordDraft) { list.withLock { $0.append(draft) } }
        var all: [CallRecordDraft] { list.withLock { $0 } }
    }

    final class ManualClock: Sendable {
        let nanoseconds = Mutex<Int64>(1_000_000_000)
        func advance(seconds: Double) { nanoseconds.withLock { $0 += Int64(seconds * 1e9) } }
        var instant: SIPInstant { SIPInstant(nanoseconds: nanoseconds.withLock { $0 }) }
        var milliseconds: Int64 { 1_800_000_000_000 + nanoseconds.withLock { $0 } / 1_000_000 }
    }

    static let provider = try! SocketAddress(ipAddress: "127.0.0.9", port: 5060)
    static let phone = try! SocketAddress(ipAddress: "127.0.0.3", port: 5070)

    struct Rig {
        let engine: SIPEngine
        let channel: EmbeddedChannel
        let clock: ManualClock
        let records: Records
        let calls: CallServices

        /// Everything the engine sent, as (destination, message).
        func sent() throws -> [(SocketAddress, SIPMessage)] {
            // The transport flushes when a read burst ends; so does the test.
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

        func tick(seconds: Double) {
            clock.advance(seconds: seconds)
            engine.advance(to: clock.instant)
        }
    }

    static func rig(maxCallSeconds: Int = 3_600, ringTimeout: Int = 60) -> Rig {
        let clock = ManualClock()
        let channel = EmbeddedChannel()
        // Active, as a bound socket is: an inactive embedded channel refuses writes.
        try! channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 5060)).wait()
        let records = Records()
        let callers = CallerServices(
            configuration: .init(), secret: Array(repeating: 7, count: 32),
            directory: CallerDirectoryHolder(CallerDirectory(
                devices: [DeviceCredentials(id: 2, accountId: 1, username: "bob", realm: "sipwarden", ha1MD5: "", ha1SHA256: "")],
                providers: [ProviderEndpoint(providerId: 5, name: "carrier", addresses: [[127, 0, 0, 9]], port: nil, transport: .udp)],
                dids: ["+441234567": 2])),
            events: DiscardingSecurityEventSink(), wallClock: { clock.milliseconds })
        callers.registrar.load([Binding(
            deviceId: 2, contact: "sip:bob@127.0.0.3:5070", qThousandths: nil, expiresAt: clock.milliseconds + 3_600_000, callID: "r",
            cseq: 1, source: SecuritySource(transport: "udp", ip: "127.0.0.3", port: 5070), userAgent: nil,
            updatedAt: clock.milliseconds)], now: clock.milliseconds)
        var settings = CallServices.Configuration()
        settings.maxCallSeconds = maxCallSeconds
        settings.ringTimeoutSeconds = ringTimeout
        let calls = CallServices(configuration: settings, records: records)
        calls.network.install(
            addresses: [.init(transport: .udp, ipv6: false): .init(host: "127.0.0.1", port: 5060)],
            sender: { endpoint, _ in SIPReplySender(channel: channel, destination: endpoint.address) },
            delivery: { _, _, _ in })
        var configuration = SIPEngine.Configuration()
        configuration.transactions = .init(capacity: 1_000, timers: .rfc3261, sendsTrying: false)
        let engine = SIPEngine(
            configuration: configuration, responder: LocalResponder(identity: ServerIdentity(hosts: ["127.0.0.1"])),
            logger: Logger(label: "test"), callers: callers, calls: calls, loopIndex: 0, clock: { clock.instant })
        return Rig(engine: engine, channel: channel, clock: clock, records: records, calls: calls)
    }

    static let invite = """
        INVITE sip:+441234567@127.0.0.1 SIP/2.0\r
        Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK-carrier-1\r
        Max-Forwards: 70\r
        From: "<script>alert(1)</script>" <sip:+33111@127.0.0.9>;tag=c1\r
        To: <sip:+441234567@127.0.0.1>\r
        Call-ID: call-1@carrier\r
        CSeq: 10 INVITE\r
        Contact: <sip:+33111@127.0.0.9:5060>\r
        User-Agent: Carrier-SBC/1.0\r
        Content-Length: 0\r
        \r

        """

    /// The device's answer to the forwarded INVITE.
    static func answer(_ status: Int, to request: SIPMessage) -> String {
        var request = request
        let vias = request.headers.values(.via).map(\.string)
        let from = request.headers.values(.from).first?.string ?? ""
        let received = request.headers.values(.to).first?.string ?? ""
        let to = (try? request.to().tag) == nil ? received + ";tag=bob1" : received
        let rr = request.headers.values(.recordRoute).map { "Record-Route: \($0.string)\r\n" }.joined()
        let cseq = (try? request.cseq()).map { "\($0.sequence) \($0.method.name)" } ?? ""
        return """
            SIP/2.0 \(status) \(SIPReasonPhrases.phrase(for: status))\r
            \(vias.map { "Via: \($0)\r\n" }.joined())From: \(from)\r
            To: \(to)\r
            Call-ID: \(request.headers.values(.callID).first?.string ?? "")\r
            CSeq: \(cseq)\r
            \(rr)Contact: <sip:bob@127.0.0.3:5070>\r
            Content-Length: 0\r
            \r

            """
    }

    @Test func aProviderCallToADIDRingsTheDeviceAndIsRecordedWhenItHangsUp() throws {
        let rig = Self.rig()
        rig.receive(Self.invite, from: Self.provider)
        var sent = try rig.sent()
        #expect(sent.map { $0.0 } == [Self.provider, Self.phone])
        #expect(sent[0].1.statusCode == 100)
        var forwarded = sent[1].1
        #expect(forwarded.requestURIText?.string == "sip:bob@127.0.0.3:5070")
        #expect(try forwarded.topVia().branch?.string.hasPrefix("z9hG4bK-swL0-") == true)
        #expect(try forwarded.recordRoutes().map(\.text.string) == ["<sip:127.0.0.1:5060;lr>"])
        #expect(try forwarded.maxForwards() == 69)

        rig.receive(Self.answer(180, to: forwarded), from: Self.phone)
        rig.tick(seconds: 2)
        rig.receive(Self.answer(200, to: forwarded), from: Self.phone)
        sent = try rig.sent()
        let upstream = sent.filter { $0.0 == Self.provider }.map { $0.1 }
        #expect(upstream.compactMap(\.statusCode) == [180, 200])
        var ok = upstream[1]
        #expect(try ok.via().count == 1)
        #expect(try ok.to().tag?.string == "bob1")

        // The caller's ACK of the 2xx goes to the device; the device hangs up.
        rig.receive("""
            ACK sip:bob@127.0.0.3:5070 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK-carrier-2\r
            Route: <sip:127.0.0.1:5060;lr>\r
            Max-Forwards: 70\r
            From: "<script>alert(1)</script>" <sip:+33111@127.0.0.9>;tag=c1\r
            To: <sip:+441234567@127.0.0.1>;tag=bob1\r
            Call-ID: call-1@carrier\r
            CSeq: 10 ACK\r
            Content-Length: 0\r
            \r

            """, from: Self.provider)
        sent = try rig.sent()
        #expect(sent.map { $0.0 } == [Self.phone])
        #expect(sent.first?.1.method == .ack)
        #expect(sent.first?.1.headers.values(.route).isEmpty == true)
        rig.tick(seconds: 30)
        rig.receive("""
            BYE sip:+33111@127.0.0.9:5060 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.3:5070;branch=z9hG4bK-bob-9\r
            Route: <sip:127.0.0.1:5060;lr>\r
            Max-Forwards: 70\r
            From: <sip:+441234567@127.0.0.1>;tag=bob1\r
            To: "<script>alert(1)</script>" <sip:+33111@127.0.0.9>;tag=c1\r
            Call-ID: call-1@carrier\r
            CSeq: 1 BYE\r
            Content-Length: 0\r
            \r

            """, from: Self.phone)
        sent = try rig.sent()
        #expect(sent.map { $0.0 } == [Self.provider])
        var bye = try #require(sent.first?.1)
        #expect(bye.method == .bye)
        #expect(try bye.via().count == 2)
        // RFC 3261 §15.1.2: the call ends when the far side answers the BYE, at the time the
        // BYE came (its answer may take a while).
        #expect(rig.records.all.isEmpty, "ended before the far side answered the BYE")
        rig.tick(seconds: 0.5)
        rig.receive(Self.answer(200, to: bye), from: Self.provider)
        sent = try rig.sent()
        #expect(sent.map { $0.0 } == [Self.phone], "the BYE's 200 goes back to the device")
        #expect(sent.first?.1.statusCode == 200)

        let record = try #require(rig.records.all.first)
        #expect(rig.records.all.count == 1)
        #expect(record.cause == .answered)
        #expect(record.hangupBy == .callee)
        #expect(record.callerKind == .provider)
        #expect(record.callerName == "carrier")
        #expect(record.destination == "bob")
        #expect(record.durationMillis == 30_000)
        #expect(record.billableSeconds == 30)
        // As sent: escaping is for where it is shown.
        #expect(record.from.hasPrefix("\"<script>alert(1)</script>\""))
        #expect(record.userAgent == "Carrier-SBC/1.0")
        #expect(record.ringingAt != nil)
        #expect(rig.calls.registry.count == 0)

        // The dialog is gone: a late BYE is 481, and goes nowhere.
        rig.receive(String(decoding: bye.bytes.readableBytesView, as: UTF8.self), from: Self.phone)
        sent = try rig.sent()
        #expect(sent.map { $0.1.statusCode } == [481])
    }

    @Test func anUnknownDIDIsAnsweredAtOnceAndRecordedWithoutRingingAnything() throws {
        let rig = Self.rig()
        rig.receive(Self.invite.replacingOccurrences(of: "+441234567", with: "+449999"), from: Self.provider)
        let sent = try rig.sent()
        #expect(sent.map { $0.0 } == [Self.provider])
        #expect(sent.first?.1.statusCode == 404)
        #expect(rig.records.all.map(\.cause) == [.noRoute])
        #expect(rig.records.all.first?.sourceIP == "127.0.0.9")
    }

    @Test func aCallRingingTooLongIsCancelledAndAnswered408() throws {
        let rig = Self.rig(ringTimeout: 20)
        rig.receive(Self.invite, from: Self.provider)
        let forwarded = try rig.sent()[1].1
        rig.receive(Self.answer(180, to: forwarded), from: Self.phone)
        _ = try rig.sent()
        rig.tick(seconds: 21)
        var sent = try rig.sent()
        #expect(sent.contains { $0.0 == Self.phone && $0.1.method == .cancel })
        rig.receive(Self.answer(487, to: forwarded), from: Self.phone)
        sent = try rig.sent()
        #expect(sent.contains { $0.0 == Self.provider && $0.1.statusCode == 408 })
        #expect(rig.records.all.map(\.cause) == [.noAnswer])
    }

    @Test func theMaximumDurationEndsTheCallWithABYEToEachSide() throws {
        let rig = Self.rig(maxCallSeconds: 5)
        rig.receive(Self.invite, from: Self.provider)
        let forwarded = try rig.sent()[1].1
        rig.receive(Self.answer(200, to: forwarded), from: Self.phone)
        _ = try rig.sent()
        rig.tick(seconds: 4)
        #expect(try rig.sent().isEmpty)
        rig.tick(seconds: 1.1)
        let byes = try rig.sent().filter { $0.1.method == .bye }
        #expect(Set(byes.map { $0.0 }) == [Self.provider, Self.phone])
        let record = try #require(rig.records.all.first)
        #expect(record.cause == .maxDuration)
        #expect(record.hangupBy == .server)
        #expect(record.billableSeconds == 5)
    }
}
