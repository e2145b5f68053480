import Registrar
import Testing

/// RFC 3261 §10.3 registrar behaviour, with time passed in (Unix milliseconds).
@Suite("Binding table")
struct BindingTableTests {
    static let source = BindingSource(transport: "udp", ip: "192.0.2.10", port: 5062)
    static let policy = RegistrarPolicy(minExpires: 60, maxExpires: 3600, defaultExpires: 1800)
    static let t0: Int64 = 1_790_000_000_000

    static func request(
        _ contacts: RegisterRequest.Contacts, expires: UInt32? = nil, callID: String = "call-1", cseq: UInt32 = 1,
        maxContacts: Int = 3, device: Int64 = 7
    ) -> RegisterRequest {
        RegisterRequest(
            deviceId: device, maxContacts: maxContacts, contacts: contacts, expires: expires, callID: callID, cseq: cseq,
            source: source, userAgent: "phone/1.0")
    }

    static func contact(_ uri: String, expires: UInt32? = nil, q: Int? = nil) -> RegisterRequest.RequestedContact {
        .init(uri: uri, expires: expires, qThousandths: q)
    }

    func accepted(_ outcome: RegisterOutcome) -> (current: [Binding], changes: BindingChanges)? {
        if case .accepted(let current, let changes) = outcome { return (current, changes) }
        Issue.record("expected 200, got \(outcome)")
        return nil
    }

    @Test("§10.3 step 7: expiry from the contact parameter, else the Expires header, else the default; capped at the maximum")
    func expiryChoice() throws {
        var table = BindingTable()
        let outcome = table.register(Self.request(.list([
            Self.contact("sip:a@192.0.2.10", expires: 120),
            Self.contact("sip:b@192.0.2.10"),
        ]), expires: 7200), policy: Self.policy, now: Self.t0)
        let current = try #require(accepted(outcome)?.current)
        #expect(current.first { $0.contact == "sip:a@192.0.2.10" }?.secondsLeft(at: Self.t0) == 120)
        #expect(current.first { $0.contact == "sip:b@192.0.2.10" }?.secondsLeft(at: Self.t0) == 3600)
        var other = BindingTable()
        let defaulted = try #require(accepted(other.register(Self.request(.list([Self.contact("sip:c@x")])), policy: Self.policy, now: Self.t0)))
        #expect(defaulted.current.map { $0.secondsLeft(at: Self.t0) } == [1800])
        #expect(table.count == 2)
    }

    @Test("§10.3 step 7: an expiry shorter than the minimum refuses the whole request with 423 and changes nothing")
    func intervalTooBrief() {
        var table = BindingTable()
        let outcome = table.register(Self.request(.list([Self.contact("sip:a@x", expires: 3600), Self.contact("sip:b@x", expires: 30)])), policy: Self.policy, now: Self.t0)
        #expect(outcome == .intervalTooBrief(minExpires: 60))
        #expect(table.count == 0)
    }

    @Test("§10.3 step 7: the same Call-ID needs a higher CSeq; lower is refused, equal is a retransmission that changes nothing")
    func callIDAndCSeq() throws {
        var table = BindingTable()
        _ = table.register(Self.request(.list([Self.contact("sip:a@x")]), expires: 600, cseq: 5), policy: Self.policy, now: Self.t0)
        #expect(table.register(Self.request(.list([Self.contact("sip:a@x")]), expires: 0, cseq: 4), policy: Self.policy, now: Self.t0 + 1000) == .outOfOrder)
        let retransmission = try #require(accepted(table.register(Self.request(.list([Self.contact("sip:a@x")]), expires: 600, cseq: 5), policy: Self.policy, now: Self.t0 + 2000)))
        #expect(retransmission.changes.isEmpty)
        #expect(retransmission.current.first?.expiresAt == Self.t0 + 600_000)
        let refreshed = try #require(accepted(table.register(Self.request(.list([Self.contact("sip:a@x")]), expires: 600, cseq: 6), policy: Self.policy, now: Self.t0 + 3000)))
        #expect(refreshed.current.first?.expiresAt == Self.t0 + 3000 + 600_000)
        // Another Call-ID (a rebooted phone) may use any CSeq.
        let rebooted = try #require(accepted(table.register(Self.request(.list([Self.contact("sip:a@x")]), expires: 600, callID: "call-2", cseq: 1), policy: Self.policy, now: Self.t0 + 4000)))
        #expect(rebooted.current.first?.callID == "call-2")
        #expect(table.count == 1)
    }

    @Test("§10.3 step 7: expires 0 removes one binding; Contact * with Expires 0 removes all")
    func removal() throws {
        var table = BindingTable()
        _ = table.register(Self.request(.list([Self.contact("sip:a@x"), Self.contact("sip:b@x")]), expires: 600), policy: Self.policy, now: Self.t0)
        let one = try #require(accepted(table.register(Self.request(.list([Self.contact("sip:a@x", expires: 0)]), cseq: 2), policy: Self.policy, now: Self.t0)))
        #expect(one.current.map(\.contact) == ["sip:b@x"])
        #expect(one.changes.removed == [BindingKey(deviceId: 7, contact: "sip:a@x")])
        let all = try #require(accepted(table.register(Self.request(.wildcard, expires: 0, cseq: 3), policy: Self.policy, now: Self.t0)))
        #expect(all.current.isEmpty)
        #expect(all.changes.removed == [BindingKey(deviceId: 7, contact: "sip:b@x")])
        #expect(table.count == 0)
    }

    @Test("§10.3 step 6: Contact * needs Expires 0")
    func wildcardNeedsZero() {
        var table = BindingTable()
        #expect(table.register(Self.request(.wildcard, expires: 60), policy: Self.policy, now: Self.t0) == .invalidWildcard)
        #expect(table.register(Self.request(.wildcard), policy: Self.policy, now: Self.t0) == .invalidWildcard)
    }

    @Test("§10.2.3: no Contact is a query; the answer lists the bindings, highest q first")
    func query() throws {
        var table = BindingTable()
        _ = table.register(Self.request(.list([Self.contact("sip:low@x", q: 100), Self.contact("sip:high@x", q: 900), Self.contact("sip:none@x")]), expires: 600), policy: Self.policy, now: Self.t0)
        let answer = try #require(accepted(table.register(Self.request(.none, cseq: 2), policy: Self.policy, now: Self.t0 + 1000)))
        #expect(answer.current.map(\.contact) == ["sip:none@x", "sip:high@x", "sip:low@x"])
        #expect(answer.changes.isEmpty)
    }

    @Test("over the device's contact limit the binding refreshed longest ago makes room")
    func contactLimit() throws {
        var table = BindingTable()
        _ = table.register(Self.request(.list([Self.contact("sip:one@x")]), expires: 600, callID: "c1", maxContacts: 2), policy: Self.policy, now: Self.t0)
        _ = table.register(Self.request(.list([Self.contact("sip:two@x")]), expires: 600, callID: "c2", maxContacts: 2), policy: Self.policy, now: Self.t0 + 1000)
        let third = try #require(accepted(table.register(Self.request(.list([Self.contact("sip:three@x")]), expires: 600, callID: "c3", maxContacts: 2), policy: Self.policy, now: Self.t0 + 2000)))
        #expect(Set(third.current.map(\.contact)) == ["sip:two@x", "sip:three@x"])
        #expect(third.changes.removed == [BindingKey(deviceId: 7, contact: "sip:one@x")])
        #expect(table.count == 2)
    }

    @Test("bindings expire on time, and the sweep reports them")
    func expiry() {
        var table = BindingTable()
        _ = table.register(Self.request(.list([Self.contact("sip:a@x", expires: 60), Self.contact("sip:b@x", expires: 120)])), policy: Self.policy, now: Self.t0)
        #expect(table.expire(now: Self.t0 + 59_999).isEmpty)
        #expect(table.bindings(deviceId: 7, now: Self.t0 + 59_999).count == 2)
        #expect(table.expire(now: Self.t0 + 60_000) == [BindingKey(deviceId: 7, contact: "sip:a@x")])
        #expect(table.bindings(deviceId: 7, now: Self.t0 + 60_000).map(\.contact) == ["sip:b@x"])
        #expect(table.count == 1)
        #expect(table.expire(now: Self.t0 + 120_000).count == 1)
        #expect(table.count == 0)
    }

    @Test("bindings loaded after a restart keep their source and expiry; expired ones are skipped")
    func load() {
        var table = BindingTable()
        let live = Binding(deviceId: 1, contact: "sip:a@x", qThousandths: nil, expiresAt: Self.t0 + 10_000, callID: "c", cseq: 3, source: Self.source, userAgent: nil, updatedAt: Self.t0)
        var dead = live
        dead.contact = "sip:b@x"
        dead.expiresAt = Self.t0 - 1
        table.load([live, dead], now: Self.t0)
        #expect(table.count == 1)
        #expect(table.bindings(deviceId: 1, now: Self.t0) == [live])
    }
}
