public import NIOCore
public import SIPCore

extension TransactionTable {
    /// A request arrived: matched to its server transaction, or a new one is created.
    ///
    /// - Parameters:
    ///   - reliability: the transport it came over; used when a transaction is created.
    ///   - context: stored with a transaction created for it.
    public mutating func receive(
        request: SIPMessage, reliability: TransportReliability, context: Context, now: SIPInstant
    ) -> RequestOutcome {
        var request = request
        let key: ServerTransactionKey
        do throws(SIPParseError) {
            key = try ServerTransactionKey(parsing: &request)
        } catch {
            return .unmatchable(error)
        }
        if request.method == .ack {
            // §17.2.3: an ACK belongs to the INVITE transaction it acknowledges, and never
            // creates one.
            guard let slot = servers[key] ?? ackAliases[key] else { return .ackWithoutTransaction }
            return .matched(apply(slot) { transaction in
                guard case .inviteServer(var invite) = transaction else { return [] }
                defer { transaction = .inviteServer(invite) }
                return invite.receiveACK(request, now: now)
            })
        }
        if let slot = servers[key] {
            return .matched(apply(slot) { transaction in
                switch transaction {
                case .inviteServer(var invite):
                    defer { transaction = .inviteServer(invite) }
                    return invite.receiveRetransmission(now: now)
                case .nonInviteServer(var other):
                    defer { transaction = .nonInviteServer(other) }
                    return other.receiveRetransmission(now: now)
                case .inviteClient, .nonInviteClient:
                    return []
                }
            })
        }
        guard count < configuration.capacity else { return .refused }
        let timers = configuration.timers
        if key.method == .invite {
            let slot = insert(
                .inviteServer(InviteServerTransaction(reliability: reliability, timers: timers)),
                context: context, key: .server(key))
            var actions: [TransactionAction] = []
            // §17.2.1: the 100 goes out before the TU starts on the request, however long
            // that takes, so that the client's Timer A stops as early as possible.
            if configuration.sendsTrying, let trying = try? SIPOutgoingMessage.response(to: request, statusCode: 100) {
                actions = respond(slot, statusCode: 100, bytes: trying.serialized, now: now).actions
            }
            return .created(Output(id: id(of: slot), context: context, actions: actions + [.passRequest(request)]))
        }
        let slot = insert(
            .nonInviteServer(NonInviteServerTransaction(reliability: reliability, timers: timers)),
            context: context, key: .server(key))
        let output = Output(id: id(of: slot), context: context, actions: [.passRequest(request)])
        guard key.method == .cancel else { return .created(output) }
        // §9.2: the CANCEL matches the INVITE transaction by the §17.2.3 rules, method aside.
        guard let invite = servers[key.replacingMethod(.invite)] else { return .cancelWithoutInvite(output) }
        return .cancel(output, invite: id(of: invite))
    }

    /// The TU answers server transaction `id`; nil when `id` names no live server
    /// transaction (it ended, or it is a client transaction).
    public mutating func respond(_ id: TransactionID, with response: SIPOutgoingMessage, now: SIPInstant) -> Output? {
        guard case .response(let statusCode, _) = response.startLine else {
            preconditionFailure("a server transaction sends responses, not requests")
        }
        return respond(id, statusCode: statusCode, bytes: response.serialized, now: now)
    }

    /// The TU answers server transaction `id` with a response already serialized.
    public mutating func respond(_ id: TransactionID, statusCode: Int, bytes: ByteBuffer, now: SIPInstant) -> Output? {
        guard let slot = slot(of: id), case .server = entries[slot]?.key else { return nil }
        return respond(slot, statusCode: statusCode, bytes: bytes, now: now)
    }

    private mutating func respond(_ slot: Int, statusCode: Int, bytes: ByteBuffer, now: SIPInstant) -> Output {
        let output = apply(slot) { transaction in
            switch transaction {
            case .inviteServer(var invite):
                defer { transaction = .inviteServer(invite) }
                return invite.respond(statusCode: statusCode, bytes: bytes, now: now)
            case .nonInviteServer(var other):
                defer { transaction = .nonInviteServer(other) }
                return other.respond(statusCode: statusCode, bytes: bytes, now: now)
            case .inviteClient, .nonInviteClient:
                return []
            }
        }
        // §17.2.3: an RFC 2543 ACK carries the To tag of the final response it acknowledges,
        // which the INVITE did not have; remember the key it will arrive with.
        if statusCode >= 200, !output.actions.isEmpty, entries[slot]?.generation == output.id.generation,
            case .server(let key) = entries[slot]?.key, key.method == .invite,
            let alias = key.legacyACKKey(toTag: Self.toTag(of: bytes))
        {
            setACKAlias(alias, for: slot)
        }
        return output
    }

    private static func toTag(of response: ByteBuffer) -> SIPString? {
        do throws(SIPParseError) {
            var parsed = try SIPMessage(parsing: response)
            return try parsed.to().tag
        } catch {
            return nil
        }
    }
}
