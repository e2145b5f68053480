public import SIPCore

extension TransactionTable {
    /// Starts a client transaction for `request` (as it will be sent). The output's actions
    /// send it for the first time (RFC 3261 §17.1.1.2, §17.1.2.2).
    public mutating func startClient(
        request: SIPMessage, reliability: TransportReliability, context: Context, now: SIPInstant
    ) throws(StartError) -> Output {
        guard let method = request.method, method != .ack else { throw .startsNoTransaction }
        let key: ClientTransactionKey
        do throws(SIPParseError) {
            key = try ClientTransactionKey(request: request)
        } catch {
            throw .unusable(error)
        }
        if let existing = clients[key] { throw .duplicate(id(of: existing)) }
        guard count < configuration.capacity else { throw .full }
        let transaction: AnyTransaction
        if method == .invite {
            do throws(SIPParseError) {
                transaction = .inviteClient(
                    try InviteClientTransaction(
                        request: request, reliability: reliability, timers: configuration.timers, now: now))
            } catch {
                throw .unusable(error)
            }
        } else {
            transaction = .nonInviteClient(
                NonInviteClientTransaction(request: request, reliability: reliability, timers: configuration.timers, now: now))
        }
        let slot = insert(transaction, context: context, key: .client(key))
        return Output(id: id(of: slot), context: context, actions: [.send(request.bytes)])
    }

    /// A response arrived: routed to its client transaction by top Via branch and CSeq
    /// method (§17.1.3).
    public mutating func receive(response: SIPMessage, now: SIPInstant) -> ResponseOutcome {
        guard !response.isRequest else {
            return .unmatchable(SIPParseError(.malformedStartLine, "a request is not a response", at: 0))
        }
        var response = response
        let key: ClientTransactionKey
        do throws(SIPParseError) {
            key = try ClientTransactionKey(parsingResponse: &response)
        } catch {
            return .unmatchable(error)
        }
        guard let slot = clients[key] else { return .unmatched }
        return .matched(apply(slot) { transaction in
            switch transaction {
            case .inviteClient(var invite):
                defer { transaction = .inviteClient(invite) }
                return invite.receive(response: response, now: now)
            case .nonInviteClient(var other):
                defer { transaction = .nonInviteClient(other) }
                return other.receive(response: response, now: now)
            case .inviteServer, .nonInviteServer:
                return []
            }
        })
    }
}
