import NIOCore
import SecurityEvents
public import SIPCore
import SIPTransaction
import SIPTransport

extension SIPEngine {
    /// A request within a dialog (BYE, re-INVITE, ACK of a 2xx, UPDATE, INFO, REFER...),
    /// forwarded statelessly (RFC 3261 §16.11) to the dialog's other party at the address the
    /// switch knows it by. Only dialogs of live, answered calls are served, and only between
    /// their two parties:
    /// - the dialog is its Call-ID and both tags (§12.2); anything else is 481;
    /// - each side's request must come from that side: its recorded transport address, or
    ///   for a provider one of the provider's addresses; from anywhere else it is 403 and a
    ///   forged-message event for the Guard;
    /// - each side's CSeq must grow (§12.2.2): lower, or equal with another branch, is 500; a
    ///   CSeq of 2^31 or more is 400 (§8.1.1.5), so the switch's own CSeqs never wrap;
    /// - a BYE ends the call only when the far side answers it (2xx, or 481/408 which end the
    ///   dialog as well, §12.2.1.2), or when it goes unanswered for 32 s (Timer F); a BYE
    ///   the far side refuses changes nothing.
    func forwardInDialog(_ request: inout SIPMessage, method: SIPMethod, peer: SIPPeer, replies: SIPReplySender) {
        guard let calls else { return }
        let refuse = { (status: Int, reason: String?, request: inout SIPMessage) in
            if method != .ack { self.sendStateless(LocalResponder.Answer(statusCode: status, reasonPhrase: reason), to: &request, peer: peer, replies: replies) }
        }
        let callID = (try? request.callID().string) ?? ""
        let fromTag = (try? request.from().tag?.string) ?? nil
        let toTag = (try? request.to().tag?.string) ?? nil
        guard let call = calls.registry.call(callID), let fromTag, let side = call.side(fromTag: fromTag, toTag: toTag),
            let destination = call.endpoint(of: side.opposite)
        else {
            refuse(481, nil, &request)
            return
        }
        guard isFromParty(call, side: side, peer: peer) else {
            reportForged(&request, peer: peer, reason: "\(method.name) within a dialog from an address that is not its \(side.rawValue)")
            refuse(403, "Forbidden - not from this dialog's \(side.rawValue)", &request)
            return
        }
        if let maxForwards = try? request.maxForwards(), maxForwards <= 0 {
            refuse(483, nil, &request)
            return
        }
        let topVia = try? request.topVia()
        var edits = HeaderEdits()
        if method != .ack {
            guard let cseq = try? request.cseq().sequence, cseq <= ActiveCall.maxCSeq else {
                refuse(400, "Bad Request - CSeq must be less than 2^31", &request)
                return
            }
            let branch = topVia?.branch?.string ?? ""
            let sequence = calls.registry.update(callID) { $0.sequence(of: side, cseq: cseq, branch: branch) }
            switch sequence {
            case .outOfOrder?:
                refuse(500, "Server Internal Error - CSeq lower than the last in this dialog", &request)
                return
            case nil:
                refuse(481, nil, &request)
                return
            case .new?, .retransmission?:
                break
            }
            if method == .refer {
                switch admitTransfer(&request, call: call, side: side, calls: calls) {
                case .success(let transfer): edits = transfer
                case .failure(let refusal):
                    refuse(refusal.status, refusal.reason, &request)
                    return
                }
            }
            if method == .bye, sequence == .new {
                let now = callers?.wallClock() ?? 0
                calls.registry.update(callID) { $0.pendingBye = ActiveCall.PendingBye(side: side, cseq: cseq, at: now) }
                proxy.byeTimeouts.add(callID, at: clock().advanced(byMilliseconds: Self.byeTimeoutMilliseconds))
            }
        }
        // The caller as each side knows it (RFC 3325: the switch may have presented it
        // otherwise), and no identity header a party cannot vouch for.
        if let forwardedFrom = call.forwardedFrom {
            if side == .caller { edits.from = forwardedFrom } else { edits.to = call.callerFrom }
        }
        if !isTrustedProvider(call, side: side) { edits.removesIdentity = true }
        // §16.4: the proxy's own Route values (one, or two when it double record-routed)
        // are taken off; whatever follows stays for the next hop.
        let routes = ((try? request.routes()) ?? []).map(\.text.string)
        var kept = routes[...]
        while let first = kept.first, isOwnRoute(first, network: calls.network) { kept = kept.dropFirst() }
        guard let viaHost = calls.network.address(transport: destination.transport, ipv6: destination.address.isIPv6),
            let sender = calls.network.sender(to: destination, from: eventLoop), let topVia
        else {
            refuse(503, nil, &request)
            return
        }
        // The sender's Via gets where the packet really came from, so the answer finds it;
        // the branch is a MAC over that next hop, so an answer can go nowhere else.
        let received = peer.remote.ipAddressBytes.map { SIPString($0) }
        let previous = topVia.withSource(received: received, rport: peer.remote.port)
        let branch = calls.statelessBranch(
            incomingBranch: topVia.branch?.string ?? "", callID: callID,
            nextHop: StatelessHop(transport: topVia.transport.string, received: received?.string ?? "", port: peer.remote.port ?? 0))
        let via = "SIP/2.0/\(destination.transport.rawValue.uppercased()) \(viaHost);branch=\(branch);rport"
        let uri = request.requestURIText?.string ?? ""
        guard let bytes = try? ProxyMessages.forward(
            &request, requestURI: uri, via: via, previousTopVia: previous, recordRoutes: [], routes: Array(kept),
            maxForwards: ((try? request.maxForwards()) ?? nil).map { $0 - 1 } ?? ProxyMessages.defaultMaxForwards,
            removeProxyCredentials: false, edits: edits)
        else {
            refuse(500, nil, &request)
            return
        }
        sendProxied(bytes, by: sender)
    }

    /// Timer F (64·T1 with T1 = 500 ms): a BYE unanswered this long ends its call anyway.
    static let byeTimeoutMilliseconds: Int64 = 32_000

    /// Whether a request claiming to be `side`'s came from it: the address and transport
    /// the switch knows the side by, or, for a provider, one of its addresses.
    func isFromParty(_ call: ActiveCall, side: HangupSide, peer: SIPPeer) -> Bool {
        if let endpoint = call.endpoint(of: side), endpoint.transport == peer.transport, endpoint.address == peer.remote { return true }
        guard let providerId = call.providerId(of: side), let directory = callers?.directory.directory else { return false }
        return directory.provider(ip: peer.remote.rawIPBytes, port: peer.remote.port ?? 0, transport: peer.transport)?.providerId == providerId
    }

    /// Whether `side` is a provider in the RFC 3325 trust domain.
    private func isTrustedProvider(_ call: ActiveCall, side: HangupSide) -> Bool {
        guard let providerId = call.providerId(of: side) else { return false }
        if side == .callee { return calls?.routing.providers[providerId]?.trustedIdentity ?? false }
        return callers?.directory.directory.providers.provider(id: providerId)?.trustedIdentity ?? false
    }

    /// A message that claims to be what it cannot be: a security event for the Guard.
    func reportForged(_ message: inout SIPMessage, peer: SIPPeer, reason: String) {
        statistics.forged += 1
        logger.debug("forged message dropped", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
        guard let events = defense?.events ?? callers?.events else { return }
        events.emit(SecurityEvent(kind: .forgedMessage, time: eventTime(), source: Self.source(peer), reason: reason, packet: Self.summary(&message)))
    }

    private func isOwnRoute(_ text: String, network: ProxyNetwork) -> Bool {
        let inner = text.hasPrefix("<") ? String(text.dropFirst().prefix { $0 != ">" }) : text
        guard case .sip(let uri)? = try? AnyURI(parsing: inner) else { return false }
        return network.isOwn(host: uri.hostAddress.string, port: uri.port, secure: uri.isSecure)
    }

    /// A response: to one of this engine's client transactions, to another loop's (handed
    /// over), or to a stateless forward (passed on down its Via). False: not ours.
    func routeResponse(_ response: inout SIPMessage, peer: SIPPeer) -> Bool {
        guard let calls, let topVia = try? response.topVia(), let branch = topVia.branch, let kind = ProxyBranch(branch) else {
            return false
        }
        switch kind {
        case .transaction(let loop) where loop == loopIndex:
            receiveTransactionResponse(response)
        case .transaction(let loop):
            calls.network.deliver(response, from: peer, toLoop: loop)
        case .stateless:
            forwardStatelessResponse(&response, ourBranch: branch.string, peer: peer, calls: calls)
        }
        return true
    }

    /// A response handed over from another loop, or read on this one.
    public func receiveTransactionResponse(_ response: SIPMessage) {
        switch table.receive(response: response, now: clock()) {
        case .matched(let output):
            carryOutFlushing(output)
        case .unmatched, .unmatchable:
            statistics.strayResponses += 1
        }
    }

    /// §16.11: the top Via (ours) comes off and the response follows the next one, to the
    /// address that request came from. Our branch is a MAC over the next Via's branch, the
    /// Call-ID and the next hop as the switch wrote it (transport, `received`, `rport`): a
    /// response whose next hop was changed, or that the switch never caused, is dropped and
    /// reported as forged, so the switch cannot be made to send anything anywhere else.
    private func forwardStatelessResponse(_ response: inout SIPMessage, ourBranch: String, peer: SIPPeer, calls: CallServices) {
        guard let vias = try? response.via(), vias.count >= 2 else {
            reportForged(&response, peer: peer, reason: "a response to a stateless forward with no Via to follow")
            return
        }
        let next = vias[1]
        let callID = (try? response.callID().string) ?? ""
        guard case .value(let port) = next.rport, let received = next.received?.string,
            calls.statelessBranch(
                incomingBranch: next.branch?.string ?? "", callID: callID,
                nextHop: StatelessHop(transport: next.transport.string, received: received, port: port)) == ourBranch,
            let transport = SIPTransportKind(rawValue: next.transport.string.lowercased()),
            let address = try? SocketAddress(ipAddress: received, port: port)
        else {
            reportForged(&response, peer: peer, reason: "a response whose next Via the switch did not write")
            return
        }
        if let cseq = try? response.cseq(), cseq.method == .bye, let status = response.statusCode, status >= 200 {
            byeAnswered(callID: callID, cseq: cseq.sequence, status: status, response: &response, peer: peer)
        }
        guard let sender = calls.network.sender(to: CallEndpoint(transport: transport, address: address), from: eventLoop),
            let bytes = try? ProxyMessages.forwardResponse(&response)
        else { return }
        sendProxied(bytes, by: sender)
    }

    /// The far side's final answer to a forwarded BYE: 2xx ends the call (as do 481 and 408,
    /// after which the dialog is gone, RFC 3261 §12.2.1.2), at the time the BYE came; any
    /// other refusal leaves the call up. Only the far side's own answer counts.
    private func byeAnswered(callID: String, cseq: UInt32, status: Int, response: inout SIPMessage, peer: SIPPeer) {
        guard let calls, let call = calls.registry.call(callID), let bye = call.pendingBye, bye.cseq == cseq else { return }
        // An answer carries its request's From and To: the BYE it answers is the pending one
        // only if that came from the same side (both parties may send a BYE at once).
        let fromTag = (try? response.from().tag?.string) ?? nil
        let toTag = (try? response.to().tag?.string) ?? nil
        guard let fromTag, call.side(fromTag: fromTag, toTag: toTag) == bye.side else { return }
        guard isFromParty(call, side: bye.side.opposite, peer: peer) else {
            reportForged(&response, peer: peer, reason: "an answer to a BYE from an address that is not the dialog's \(bye.side.opposite.rawValue)")
            return
        }
        if (200...299).contains(status) || status == 481 || status == 408 {
            finishCall(callID, status: 200, reason: "OK", cause: .answered, hangupBy: bye.side, endedAt: bye.at)
        } else {
            calls.registry.update(callID) { call in if call.pendingBye == bye { call.pendingBye = nil } }
            logger.info("BYE refused by the far side: the call goes on", metadata: ["call_id": "\(SafeText.escape(callID))", "status": "\(status)"])
        }
    }

    /// A BYE still unanswered after Timer F: the far side is gone, and the call ends at the
    /// time the BYE came.
    func byeTimedOut(_ callID: String, now: Int64) {
        guard let call = calls?.registry.call(callID), let bye = call.pendingBye, now - bye.at >= Self.byeTimeoutMilliseconds else { return }
        finishCall(callID, status: 200, reason: "BYE not answered", cause: .answered, hangupBy: bye.side, endedAt: bye.at)
    }

    /// Ends an answered call from the switch's side: a BYE to each party (§15.1.1), as if
    /// the other had hung up, then its record. Each BYE carries one more than the highest
    /// CSeq of the side it speaks for.
    func hangUp(_ callID: String, cause: HangupCause, reason: String) {
        guard let calls, let call = calls.registry.call(callID), call.isAnswered else { return }
        let cseqs = calls.registry.update(callID) { call in (caller: call.nextCSeq(for: .caller), callee: call.nextCSeq(for: .callee)) }
        guard let cseqs else { return }
        finishCall(callID, status: 200, reason: reason, cause: cause, hangupBy: .server)
        let callerFrom = call.callerFrom
        let calleeTo = call.callerTo + (call.calleeTag.map { ";tag=\($0)" } ?? "")
        if let callee = call.callee, let target = call.calleeTarget {
            // The caller as the callee knows it (the identity the switch presented).
            sendBye(to: callee, requestURI: target, from: call.forwardedFrom ?? callerFrom, to: calleeTo, callID: callID, cseq: cseqs.caller, reason: reason)
        }
        if let target = call.callerTarget {
            sendBye(to: call.caller, requestURI: target, from: calleeTo, to: callerFrom, callID: callID, cseq: cseqs.callee, reason: reason)
        }
    }

    /// Hangs up both parties of a call the switch carried before it last stopped without
    /// ending it (a crash): its record is written already, so nothing else happens here.
    public func hangUpOrphan(_ dialog: OrphanDialog, reason: String) {
        let calleeTo = dialog.callerTo + ";tag=\(dialog.calleeTag)"
        if let target = dialog.calleeTarget {
            sendBye(
                to: dialog.callee, requestURI: target, from: dialog.forwardedFrom ?? dialog.callerFrom, to: calleeTo, callID: dialog.callID,
                cseq: OrphanDialog.after(dialog.callerCSeq), reason: reason)
        }
        if let target = dialog.callerTarget {
            sendBye(
                to: dialog.caller, requestURI: target, from: calleeTo, to: dialog.callerFrom, callID: dialog.callID,
                cseq: OrphanDialog.after(dialog.calleeCSeq), reason: reason)
        }
    }

    private func sendBye(to endpoint: CallEndpoint, requestURI: String, from: String, to: String, callID: String, cseq: UInt32, reason: String) {
        guard let calls, let sender = calls.network.sender(to: endpoint, from: eventLoop),
            let own = calls.network.address(transport: endpoint.transport, ipv6: endpoint.address.isIPv6)
        else { return }
        let via = "SIP/2.0/\(endpoint.transport.rawValue.uppercased()) \(own);branch=\(ProxyBranch.branch(loop: loopIndex));rport"
        guard let bytes = try? ProxyMessages.bye(requestURI: requestURI, via: via, from: from, to: to, callID: callID, cseq: cseq, reason: reason),
            let bye = try? SIPMessage(parsing: bytes, framing: .datagram, limits: configuration.limits)
        else { return }
        let reliability: TransportReliability = endpoint.transport.isReliable ? .reliable : .unreliable
        if let output = try? table.startClient(request: bye, reliability: reliability, context: TransactionContext(replies: sender), now: clock()) {
            carryOutFlushing(output)
        }
        logger.info("call ended by the switch", metadata: ["call_id": "\(SafeText.escape(callID))", "reason": "\(reason)", "to": "\(endpoint)"])
    }

    /// The end of a call: its limits released, its cost settled, its record sent to storage.
    /// `endedAt` (Unix milliseconds) is when it ended, if not now.
    func finishCall(_ callID: String, status: Int, reason: String, cause: HangupCause, hangupBy: HangupSide, endedAt: Int64? = nil) {
        guard let calls else { return }
        let now = endedAt ?? callers?.wallClock() ?? 0
        guard let call = calls.registry.end(callID) else { return }
        var record = call.record
        record.endedAt = max(now, record.answeredAt ?? now)
        record.status = record.answeredAt == nil ? status : 200
        record.reason = reason
        record.cause = cause
        record.hangupBy = hangupBy
        if record.answeredAt != nil {
            // Whole seconds, never past the call's allowed duration (the switch's BYE may
            // leave a moment after it).
            let seconds = min(Int((record.durationMillis + 999) / 1000), call.maxSeconds)
            record.billableSeconds = call.tariff?.billedSeconds(seconds) ?? seconds
            if let tariff = call.tariff, let reservation = call.reservation {
                record.costMicros = calls.ledger.settle(reservation, cost: tariff.cost(seconds: seconds))
            }
        } else if let reservation = call.reservation {
            calls.ledger.settle(reservation, cost: 0)
        }
        calls.records.record(record)
    }
}

extension HangupSide {
    /// The other party of a dialog (the server's and nobody's opposite is nobody).
    var opposite: HangupSide {
        switch self {
        case .caller: return .callee
        case .callee: return .caller
        case .server, .none: return .none
        }
    }
}
