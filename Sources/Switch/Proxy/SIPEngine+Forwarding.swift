import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

extension SIPEngine {
    /// Sends one copy of the INVITE (§16.6) in a client transaction of this engine.
    func startLeg(_ serverID: TransactionID, target: LegTarget) {
        guard let calls, var forwarding = proxy.forwardings[serverID] else { return }
        let now = clock()
        let wallNow = callers?.wallClock() ?? 0
        if let provider = target.provider {
            calls.registry.update(forwarding.callID) { call in
                call.record.attempts.append(.init(providerId: provider.id, providerName: provider.name, number: provider.number, startedAt: wallNow))
            }
        }
        let inbound = forwarding.peer
        let outIPv6 = target.endpoint.address.isIPv6
        guard let sender = calls.network.sender(to: target.endpoint, from: eventLoop),
            let ownOut = calls.network.address(transport: target.endpoint.transport, ipv6: outIPv6),
            let ownIn = calls.network.address(transport: inbound.transport, ipv6: inbound.remote.isIPv6)
        else {
            // No way to reach it (a TCP device whose connection is gone, no socket of its family).
            recordLegFailure(&forwarding, target: target, status: 503, reason: "unreachable")
            proxy.forwardings[serverID] = forwarding
            advanceAfterFailure(serverID)
            return
        }
        let branch = ProxyBranch.branch(loop: loopIndex)
        let via = "SIP/2.0/\(target.endpoint.transport.rawValue.uppercased()) \(ownOut);branch=\(branch);rport"
        // §16.6 step 4, always (the switch must see the dialog's BYE), and RFC 5658 when the
        // legs differ in transport or family: one Record-Route for each side, the one facing
        // the callee on top.
        var recordRoutes = [Self.recordRoute(ownOut, transport: target.endpoint.transport)]
        if ownOut != ownIn || inbound.transport != target.endpoint.transport {
            recordRoutes.append(Self.recordRoute(ownIn, transport: inbound.transport))
        }
        let edits = forwarding.identity.edits(towardProvider: target.provider != nil ? target.providerTrusted : nil, host: ownOut, from: &forwarding.request)
        let bytes: ByteBuffer
        let sent: SIPMessage
        do {
            bytes = try ProxyMessages.forward(
                &forwarding.request, requestURI: target.requestURI, via: via, recordRoutes: recordRoutes, routes: [],
                maxForwards: forwarding.maxForwards, removeProxyCredentials: forwarding.removeProxyCredentials, edits: edits)
            sent = try SIPMessage(parsing: bytes, framing: .datagram, limits: configuration.limits)
        } catch {
            logger.debug("request not forwarded", metadata: ["call_id": "\(SafeText.escape(forwarding.callID))", "reason": "\(error)"])
            recordLegFailure(&forwarding, target: target, status: 500, reason: "not forwardable")
            proxy.forwardings[serverID] = forwarding
            advanceAfterFailure(serverID)
            return
        }
        let reliability: TransportReliability = target.endpoint.transport.isReliable ? .reliable : .unreliable
        let output: TransactionTable<TransactionContext>.Output
        do throws(TransactionTable<TransactionContext>.StartError) {
            output = try table.startClient(request: sent, reliability: reliability, context: TransactionContext(replies: sender), now: now)
        } catch {
            recordLegFailure(&forwarding, target: target, status: 503, reason: "no transaction")
            proxy.forwardings[serverID] = forwarding
            advanceAfterFailure(serverID)
            return
        }
        forwarding.legs.append(ProxyLeg(clientID: output.id, target: target, via: via, from: edits.from ?? forwarding.from, started: now))
        proxy.forwardings[serverID] = forwarding
        proxy.legOwners[output.id] = serverID
        if target.provider != nil {
            proxy.providerSilences.add(output.id, at: now.advanced(byMilliseconds: Int64(calls.configuration.providerTimeoutMilliseconds)))
        }
        carryOutFlushing(output)
    }

    static func recordRoute(_ hostPort: String, transport: SIPTransportKind) -> String {
        let scheme = transport == .tls ? "sips" : "sip"
        let parameter = transport == .udp || transport == .tls ? "" : ";transport=\(transport.rawValue)"
        return "<\(scheme):\(hostPort)\(parameter);lr>"
    }

    /// An answer from a leg (through its client transaction).
    func legResponse(_ clientID: TransactionID, response: inout SIPMessage) {
        guard let serverID = proxy.legOwners[clientID], var forwarding = proxy.forwardings[serverID],
            let index = forwarding.legs.firstIndex(where: { $0.clientID == clientID }), let status = response.statusCode
        else { return }
        forwarding.legs[index].heardFrom = true
        let wallNow = callers?.wallClock() ?? 0
        switch status {
        case 100:
            proxy.forwardings[serverID] = forwarding
        case 101...199:
            proxy.forwardings[serverID] = forwarding
            guard !forwarding.finalSent else { return }
            if status == 180 || status == 183, !forwarding.ringing {
                forwarding.ringing = true
                proxy.forwardings[serverID] = forwarding
                calls?.registry.update(forwarding.callID) { call in
                    if call.record.ringingAt == nil { call.record.ringingAt = wallNow }
                }
            }
            // Only a leg still wanted is passed on: a provisional after a CANCEL is noise.
            if !forwarding.cancelled && !forwarding.ringTimedOut {
                forwardUpstream(serverID, response: &response, final: false)
            }
        case 200...299:
            let first = !forwarding.answered
            forwarding.answered = true
            forwarding.legs[index].finalStatus = status
            proxy.forwardings[serverID] = forwarding
            if first {
                answered(serverID, leg: forwarding.legs[index], response: &response)
                // §16.7 step 10: the other forks are cancelled once one answered.
                cancelLegs(serverID, except: clientID)
                forwardUpstream(serverID, response: &response, final: true)
            } else {
                // Retransmissions of the 2xx, and 2xx of other forks, go through as they
                // are (§16.7 step 5): the caller acknowledges (and hangs up) each one.
                forwardStateless2xx(serverID, response: &response)
            }
        default:
            forwarding.legs[index].finalStatus = status
            forwarding.legs[index].finalResponse = response
            proxy.forwardings[serverID] = forwarding
            noteAttemptResult(forwarding, leg: forwarding.legs[index], status: status, reason: response.reasonPhrase?.string)
            advanceAfterFailure(serverID)
        }
    }

    /// A leg ended without an answer (timeout, transport error).
    func legFailed(_ clientID: TransactionID, status: Int) {
        guard let serverID = proxy.legOwners[clientID], var forwarding = proxy.forwardings[serverID],
            let index = forwarding.legs.firstIndex(where: { $0.clientID == clientID }), forwarding.legs[index].finalStatus == nil
        else { return }
        forwarding.legs[index].finalStatus = status
        proxy.forwardings[serverID] = forwarding
        noteAttemptResult(forwarding, leg: forwarding.legs[index], status: status, reason: status == 408 ? "no answer" : "transport error")
        advanceAfterFailure(serverID)
    }

    func legTerminated(_ clientID: TransactionID) {
        guard let serverID = proxy.legOwners.removeValue(forKey: clientID) else { return }
        guard let forwarding = proxy.forwardings[serverID] else { return }
        // The forwarding is forgotten once its answer went up and no leg can still answer.
        if forwarding.finalSent && forwarding.legs.allSatisfy({ proxy.legOwners[$0.clientID] == nil }) {
            proxy.forwardings[serverID] = nil
        }
    }

    private func recordLegFailure(_ forwarding: inout ProxyForwarding, target: LegTarget, status: Int, reason: String) {
        guard let provider = target.provider else { return }
        let wallNow = callers?.wallClock() ?? 0
        calls?.registry.update(forwarding.callID) { call in
            call.record.attempts.append(.init(providerId: provider.id, providerName: provider.name, number: provider.number, status: status, reason: reason, startedAt: wallNow))
        }
    }

    private func noteAttemptResult(_ forwarding: ProxyForwarding, leg: ProxyLeg, status: Int, reason: String?) {
        guard let provider = leg.target.provider else { return }
        calls?.registry.update(forwarding.callID) { call in
            if let index = call.record.attempts.lastIndex(where: { $0.providerId == provider.id && $0.status == nil }) {
                call.record.attempts[index].status = status
                call.record.attempts[index].reason = reason
            }
        }
    }

    /// After a leg failed: the next provider when the failure allows it (408, 5xx, no answer;
    /// never 4xx/6xx), else, once every leg is done, the best answer goes up (§16.7).
    func advanceAfterFailure(_ serverID: TransactionID) {
        guard var forwarding = proxy.forwardings[serverID], !forwarding.answered, !forwarding.finalSent else { return }
        let lastStatus = forwarding.legs.last?.finalStatus
        if forwarding.allLegsFinal, !forwarding.pending.isEmpty, !forwarding.cancelled, !forwarding.ringTimedOut,
            RouteTarget.failsOver(status: lastStatus)
        {
            let next = forwarding.pending.removeFirst()
            proxy.forwardings[serverID] = forwarding
            startLeg(serverID, target: next)
            return
        }
        guard forwarding.allLegsFinal else { return }
        forwarding.finalSent = true
        proxy.forwardings[serverID] = forwarding
        let outbound = forwarding.legs.contains { $0.target.provider != nil }
        // §16.7 step 6: 6xx first, else the lowest class; a 503 goes up as 500.
        let finals = forwarding.legs.compactMap { leg in leg.finalStatus.map { ($0, leg.finalResponse) } }
        let best = finals.first { $0.0 >= 600 } ?? finals.min { $0.0 / 100 < $1.0 / 100 }
        let status: Int
        let reason: String
        let cause: HangupCause
        if let stop = forwarding.stoppedBySwitch {
            (status, reason, cause) = (stop.status, stop.reason, stop.cause)
        } else if forwarding.cancelled {
            (status, reason, cause) = (487, "Request Terminated", .cancelled)
        } else if forwarding.ringTimedOut {
            (status, reason, cause) = (408, "Request Timeout - no answer", .noAnswer)
        } else if outbound, let best, RouteTarget.failsOver(status: best.0) {
            (status, reason, cause) = (503, "Service Unavailable - every provider failed", .providerFailure)
        } else if let best {
            status = best.0 == 503 ? 500 : best.0
            reason = best.1?.reasonPhrase?.string ?? SIPReasonPhrases.phrase(for: status)
            cause = HangupCause.of(status: status, ringing: forwarding.ringing)
        } else {
            (status, reason, cause) = (500, "Server Internal Error", .serverFailure)
        }
        if var response = best?.1, best?.0 == status, !forwarding.cancelled, !forwarding.ringTimedOut, forwarding.stoppedBySwitch == nil {
            forwardUpstream(serverID, response: &response, final: true)
        } else {
            respond(serverID, answer: LocalResponder.Answer(statusCode: status, reasonPhrase: reason), to: &forwarding.request, peer: forwarding.peer)
        }
        let side: HangupSide = forwarding.stoppedBySwitch != nil ? .server : (cause == .cancelled ? .caller : (cause == .noAnswer ? .server : .callee))
        finishCall(forwarding.callID, status: status, reason: reason, cause: cause, hangupBy: side)
        if forwarding.legs.allSatisfy({ proxy.legOwners[$0.clientID] == nil }) { proxy.forwardings[serverID] = nil }
    }

    /// Passes a response up through the INVITE's server transaction.
    func forwardUpstream(_ serverID: TransactionID, response: inout SIPMessage, final: Bool) {
        let from = proxy.forwardings[serverID]?.from
        guard let status = response.statusCode, let bytes = try? ProxyMessages.forwardResponse(&response, from: from) else { return }
        if final {
            proxy.forwardings[serverID]?.finalSent = true
            countAnswer(status)
        } else {
            metrics?.responseSent(status: status)
        }
        if let output = table.respond(serverID, statusCode: status, bytes: bytes, now: clock()) {
            carryOutFlushing(output)
        }
    }

    /// A 2xx after the first goes straight to the caller, past the server transaction.
    func forwardStateless2xx(_ serverID: TransactionID, response: inout SIPMessage) {
        guard let replies = table.context(of: serverID)?.replies,
            let bytes = try? ProxyMessages.forwardResponse(&response, from: proxy.forwardings[serverID]?.from)
        else { return }
        if let status = response.statusCode { metrics?.responseSent(status: status) }
        sendProxied(bytes, by: replies)
    }

    /// The first 2xx: the call is answered.
    private func answered(_ serverID: TransactionID, leg: ProxyLeg, response: inout SIPMessage) {
        guard let calls, let forwarding = proxy.forwardings[serverID] else { return }
        let wallNow = callers?.wallClock() ?? 0
        let tag = (try? response.to().tag?.string) ?? nil
        let target = (try? response.contacts().contacts.first?.uri.description) ?? nil
        let seconds = calls.registry.update(forwarding.callID) { call -> Int in
            call.record.answeredAt = wallNow
            call.calleeTag = tag
            call.calleeTarget = target ?? leg.target.requestURI
            call.callee = leg.target.endpoint
            call.calleeProviderId = leg.target.provider?.id
            if leg.from != call.callerFrom { call.forwardedFrom = leg.from }
            if let provider = leg.target.provider {
                call.record.destination = provider.name
                if let index = call.record.attempts.lastIndex(where: { $0.providerId == provider.id && $0.status == nil }) {
                    call.record.attempts[index].status = response.statusCode
                    call.record.attempts[index].reason = response.reasonPhrase?.string
                }
            }
            return call.maxSeconds
        }
        if let seconds {
            proxy.hangups.add(forwarding.callID, at: clock().advanced(byMilliseconds: Int64(seconds) * 1000))
            if let watcher = calls.watcher, let call = calls.registry.call(forwarding.callID) { watcher.callAnswered(call) }
        }
        if let stop = forwarding.stoppedBySwitch {
            // Answered while its CANCEL was on the way: ended at once.
            hangUp(forwarding.callID, cause: stop.cause, reason: stop.reason)
        }
    }

    /// Sends CANCEL down every leg still waiting (§16.10).
    func cancelLegs(_ serverID: TransactionID, except: TransactionID? = nil) {
        guard var forwarding = proxy.forwardings[serverID] else { return }
        for index in forwarding.legs.indices where forwarding.legs[index].finalStatus == nil && forwarding.legs[index].clientID != except {
            let leg = forwarding.legs[index]
            guard !leg.cancelSent else { continue }
            forwarding.legs[index].cancelSent = true
            guard leg.heardFrom else {
                // §9.1: no CANCEL before a provisional; the leg is given up instead.
                forwarding.legs[index].finalStatus = 487
                proxy.forwardings[serverID] = forwarding
                if let output = table.transportError(leg.clientID, now: clock()) { carryOutIgnoringLeg(output) }
                forwarding = proxy.forwardings[serverID] ?? forwarding
                continue
            }
            sendCancel(leg, forwarding: forwarding)
        }
        proxy.forwardings[serverID] = forwarding
    }

    /// Carries out an abandoned leg's last actions without treating them as its answer.
    private func carryOutIgnoringLeg(_ output: TransactionTable<TransactionContext>.Output) {
        for action in output.actions {
            if case .terminated = action { legTerminated(output.id) }
        }
    }

    private func sendCancel(_ leg: ProxyLeg, forwarding: ProxyForwarding) {
        guard let bytes = try? ProxyMessages.cancel(
            requestURI: leg.target.requestURI, via: leg.via, from: leg.from, to: forwarding.to, callID: forwarding.callID,
            cseq: forwarding.cseq, routes: []),
            let cancel = try? SIPMessage(parsing: bytes, framing: .datagram, limits: configuration.limits),
            let replies = table.context(of: leg.clientID)?.replies
        else { return }
        let reliability: TransportReliability = leg.target.endpoint.transport.isReliable ? .reliable : .unreliable
        if let output = try? table.startClient(request: cancel, reliability: reliability, context: TransactionContext(replies: replies), now: clock()) {
            carryOutFlushing(output)
        }
    }

    /// Ends a call from the switch's side whatever its state (an account blocked for fraud
    /// with its calls hung up): an answered call gets a BYE to each party; one still being
    /// set up has its legs cancelled (§16.10) and the caller gets `status`. Returns false
    /// when this engine has no such call (it ended meanwhile).
    @discardableResult
    public func stopCall(_ callID: String, status: Int = 403, reason: String, cause: HangupCause) -> Bool {
        guard let calls, let call = calls.registry.call(callID) else { return false }
        if call.isAnswered {
            hangUp(callID, cause: cause, reason: reason)
            return true
        }
        guard let serverID = proxy.forwardings.first(where: { $0.value.callID == callID && !$0.value.finalSent && !$0.value.answered })?.key
        else { return false }
        proxy.forwardings[serverID]?.stoppedBySwitch = (status, reason, cause)
        proxy.forwardings[serverID]?.pending = []
        cancelLegs(serverID)
        // Legs never heard from are final at once; the others end with their 487s.
        advanceAfterFailure(serverID)
        return true
    }

    /// The caller's CANCEL of an INVITE being forwarded.
    func cancelForwarding(_ inviteID: TransactionID) {
        guard var forwarding = proxy.forwardings[inviteID], !forwarding.answered, !forwarding.finalSent else { return }
        forwarding.cancelled = true
        forwarding.pending = []
        proxy.forwardings[inviteID] = forwarding
        cancelLegs(inviteID)
        advanceAfterFailure(inviteID)
    }

    /// Timers the transactions do not keep: the ring timeout, a provider's silence, and
    /// answered calls' deadlines.
    func proxyTick(now: SIPInstant) {
        // Deadlines in heaps: a tick costs what is due, not what is up (a forwarding stays
        // for 32 s after its answer, until its legs' transactions end).
        for serverID in proxy.ringTimeouts.takeDue(now) {
            guard let forwarding = proxy.forwardings[serverID], !forwarding.finalSent, !forwarding.answered, !forwarding.ringTimedOut
            else { continue }
            proxy.forwardings[serverID]?.ringTimedOut = true
            proxy.forwardings[serverID]?.pending = []
            cancelLegs(serverID)
            advanceAfterFailure(serverID)
        }
        for clientID in proxy.providerSilences.takeDue(now) {
            // A provider that says nothing at all is given up early, and the next tried.
            guard let serverID = proxy.legOwners[clientID], let forwarding = proxy.forwardings[serverID],
                !forwarding.finalSent, !forwarding.answered,
                let leg = forwarding.legs.first(where: { $0.clientID == clientID }), !leg.heardFrom, leg.finalStatus == nil
            else { continue }
            legFailed(clientID, status: 408)
            if let output = table.transportError(clientID, now: now) { carryOutIgnoringLeg(output) }
        }
        for callID in proxy.hangups.takeDue(now) { hangUp(callID, cause: .maxDuration, reason: "maximum call duration") }
        let byes = proxy.byeTimeouts.takeDue(now)
        if !byes.isEmpty, let wallNow = callers?.wallClock() {
            for callID in byes { byeTimedOut(callID, now: wallNow) }
        }
    }
}

extension SIPEngine {
    /// Carries out a transaction's actions; see `sendProxied` for when they are flushed.
    func carryOutFlushing(_ output: TransactionTable<TransactionContext>.Output) {
        carryOut(output, timerDriven: !willFlush(output.context.replies))
    }

    /// Sends what the proxy forwards. The proxy writes to channels other than the one being
    /// read (the other party's connection, another socket, or any socket after an answer was
    /// handed over from another loop or a timer fired), and only the channel being read is
    /// flushed when its read burst ends: those writes are flushed at once. On the socket
    /// being read they wait for the burst's end, so one system call sends them all.
    func sendProxied(_ bytes: ByteBuffer, by sender: SIPReplySender) {
        if willFlush(sender) { sender.send(bytes) } else { sender.sendNow(bytes) }
    }

    private func willFlush(_ sender: SIPReplySender) -> Bool {
        reading.map { sender.sharesChannel(with: $0) } ?? false
    }
}
