import NIOCore
public import SIPCore
import SIPTransaction
import SIPTransport

extension SIPEngine {
    /// A request within a dialog (BYE, re-INVITE, ACK of a 2xx, UPDATE, INFO...), forwarded
    /// statelessly (RFC 3261 §16.11) to the dialog's other party at the address the switch
    /// knows it by. Only dialogs of live calls are served, and only between their two
    /// parties: a request naming anything else is 481, so the switch is never an open relay.
    func forwardInDialog(_ request: inout SIPMessage, method: SIPMethod, peer: SIPPeer, replies: SIPReplySender) {
        guard let calls else { return }
        let callID = (try? request.callID().string) ?? ""
        let fromTag = (try? request.from().tag?.string) ?? nil
        guard let call = calls.registry.call(callID), let fromTag, let side = call.side(fromTag: fromTag),
            let destination = side == .caller ? call.callee : call.caller
        else {
            if method != .ack {
                sendStateless(LocalResponder.Answer(statusCode: 481), to: &request, peer: peer, replies: replies)
            }
            return
        }
        if let maxForwards = try? request.maxForwards(), maxForwards <= 0 {
            if method != .ack { sendStateless(LocalResponder.Answer(statusCode: 483), to: &request, peer: peer, replies: replies) }
            return
        }
        let cseq = (try? request.cseq().sequence) ?? 0
        if method == .bye {
            finishCall(callID, status: 200, reason: "OK", cause: .answered, hangupBy: side)
        } else if method != .ack {
            calls.registry.update(callID) { call in
                if side == .caller { call.callerCSeq = max(call.callerCSeq, cseq) } else { call.calleeCSeq = max(call.calleeCSeq, cseq) }
            }
        }
        // §16.4: the proxy's own Route values (one, or two when it double record-routed)
        // are taken off; whatever follows stays for the next hop.
        let routes = ((try? request.routes()) ?? []).map(\.text.string)
        var kept = routes[...]
        while let first = kept.first, isOwnRoute(first, network: calls.network) { kept = kept.dropFirst() }
        guard let viaHost = calls.network.address(transport: destination.transport, ipv6: destination.address.isIPv6),
            let sender = calls.network.sender(to: destination, from: eventLoop),
            let topVia = try? request.topVia()
        else {
            if method != .ack { sendStateless(LocalResponder.Answer(statusCode: 503), to: &request, peer: peer, replies: replies) }
            return
        }
        let branch = ProxyBranch.stateless(incomingBranch: topVia.branch?.string ?? "", callID: callID, salt: calls.branchSalt)
        let via = "SIP/2.0/\(destination.transport.rawValue.uppercased()) \(viaHost);branch=\(branch);rport"
        // The sender's Via gets where the packet really came from, so the answer finds it.
        let previous = topVia.withSource(received: peer.remote.ipAddressBytes.map { SIPString($0) }, rport: peer.remote.port)
        let uri = request.requestURIText?.string ?? ""
        guard let bytes = try? ProxyMessages.forward(
            &request, requestURI: uri, via: via, previousTopVia: previous, recordRoutes: [], routes: Array(kept),
            maxForwards: ((try? request.maxForwards()) ?? nil).map { $0 - 1 } ?? ProxyMessages.defaultMaxForwards,
            removeProxyCredentials: false)
        else {
            if method != .ack { sendStateless(LocalResponder.Answer(statusCode: 500), to: &request, peer: peer, replies: replies) }
            return
        }
        sendProxied(bytes, by: sender)
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
            forwardStatelessResponse(&response, ourBranch: branch.string, calls: calls)
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
    /// address that request came from. The branch must be the one this server made from the
    /// next Via's, so a forged response cannot make the switch send anywhere.
    private func forwardStatelessResponse(_ response: inout SIPMessage, ourBranch: String, calls: CallServices) {
        guard let vias = try? response.via(), vias.count >= 2 else { return }
        let next = vias[1]
        let callID = (try? response.callID().string) ?? ""
        guard ProxyBranch.stateless(incomingBranch: next.branch?.string ?? "", callID: callID, salt: calls.branchSalt) == ourBranch,
            let transport = SIPTransportKind(rawValue: next.transport.string.lowercased())
        else {
            statistics.strayResponses += 1
            return
        }
        let host = next.received?.string ?? next.hostAddress.string
        let port: Int
        if case .value(let rport) = next.rport { port = rport } else { port = next.port ?? transport.defaultPort }
        guard let address = try? SocketAddress(ipAddress: host, port: port),
            let sender = calls.network.sender(to: CallEndpoint(transport: transport, address: address), from: eventLoop),
            let bytes = try? ProxyMessages.forwardResponse(&response)
        else { return }
        sendProxied(bytes, by: sender)
    }

    /// Ends an answered call from the switch's side: a BYE to each party (§15.1.1), as if
    /// the other had hung up, then its record.
    func hangUp(_ callID: String, cause: HangupCause, reason: String) {
        guard let calls, let call = calls.registry.call(callID), call.isAnswered else { return }
        finishCall(callID, status: 200, reason: reason, cause: cause, hangupBy: .server)
        let callerFrom = call.callerFrom
        let calleeTo = call.callerTo + (call.calleeTag.map { ";tag=\($0)" } ?? "")
        if let callee = call.callee, let target = call.calleeTarget {
            sendBye(to: callee, requestURI: target, from: callerFrom, to: calleeTo, callID: callID, cseq: call.callerCSeq &+ 1, reason: reason)
        }
        if let target = call.callerTarget {
            sendBye(to: call.caller, requestURI: target, from: calleeTo, to: callerFrom, callID: callID, cseq: max(call.calleeCSeq, 1) &+ 1, reason: reason)
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
    func finishCall(_ callID: String, status: Int, reason: String, cause: HangupCause, hangupBy: HangupSide) {
        guard let calls else { return }
        let now = callers?.wallClock() ?? 0
        guard let call = calls.registry.end(callID) else { return }
        var record = call.record
        record.endedAt = now
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
