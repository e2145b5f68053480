import NIOCore
import Registrar
import SIPCore
import SIPTransaction
import SIPTransport

extension SIPEngine {
    /// A new INVITE from an identified caller: decided at once by the dial plan, the
    /// account's rules, limits and money, then forwarded (RFC 3261 §16) or refused with its
    /// cause; either way it gets a call record.
    func startCall(_ request: inout SIPMessage, id: TransactionID, caller: Caller, peer: SIPPeer, calls: CallServices, callers: CallerServices) {
        let now = callers.wallClock()
        let routing = calls.routing
        let directory = callers.directory.directory
        var record = Self.draft(&request, caller: caller, peer: peer, now: now)
        let refuse = { (status: Int, reason: String, cause: HangupCause, request: inout SIPMessage) in
            self.refuseCall(id, request: &request, peer: peer, record: &record, status: status, reason: reason, cause: cause, calls: calls, now: now)
        }
        if isLooped(&request, network: calls.network) {
            refuse(482, "Loop Detected", .loopDetected, &request)
            return
        }
        // §8.1.1.5: below 2^31, so that the dialog's CSeqs (and the switch's own BYE, one
        // past the highest) never wrap.
        guard let inviteCSeq = try? request.cseq().sequence, inviteCSeq <= ActiveCall.maxCSeq else {
            refuse(400, "Bad Request - CSeq must be less than 2^31", .badRequest, &request)
            return
        }
        // Who pays: the calling device, or the device that transferred the call to this
        // caller (its grant is good for one call to one number).
        var payer: DeviceCredentials?
        switch caller {
        case .device(let device):
            payer = device
        case .transferee(let grant):
            guard let device = directory.devicesById[grant.transferorDeviceId], device.accountId == grant.accountId,
                routing.accounts[device.accountId]?.allowsTransfers == true
            else {
                refuse(403, "Forbidden - call transfer is not allowed", .notAllowed, &request)
                return
            }
            guard record.dialledNumber == grant.number, calls.transfers.use(grant.token, now: now) else {
                refuse(403, "Forbidden - the transfer does not allow this call", .notAllowed, &request)
                return
            }
            payer = device
            record.callerName = device.username
        case .provider, .guest:
            payer = nil
        }
        var account: CallRouting.AccountPolicy?
        let origin: DialPlan.Origin
        if let payer {
            let policy = routing.accounts[payer.accountId] ?? CallRouting.AccountPolicy()
            if policy.blocked {
                refuse(403, "Forbidden - account blocked", .accountBlocked, &request)
                return
            }
            account = policy
            origin = .device(rules: policy.rules)
        } else {
            origin = .inbound
        }
        let decision = routing.plan.decide(
            record.dialledNumber, origin: origin, isLocal: { directory.extensionOwner($0) }, did: { directory.dids[$0] })
        var targets: [LegTarget] = []
        var calleeDeviceId: Int64?
        var tariff: Tariff?
        switch decision {
        case .refused(let refusal):
            let cause: HangupCause
            switch refusal.cause {
            case .noRoute: cause = .noRoute
            case .notAllowed: cause = .notAllowed
            case .invalidNumber: cause = .invalidNumber
            }
            refuse(refusal.status, refusal.reason, cause, &request)
            return
        case .local(let username):
            guard let device = directory.devices[username] else {
                refuse(404, "Not Found", .noRoute, &request)
                return
            }
            calleeDeviceId = device.id
            record.destinationKind = .device
            record.destination = device.username
            targets = Self.targets(of: device.id, callers: callers, now: now)
        case .did(_, let deviceId):
            guard let device = directory.devicesById[deviceId] else {
                refuse(404, "Not Found", .noRoute, &request)
                return
            }
            calleeDeviceId = device.id
            record.destinationKind = .device
            record.destination = device.username
            targets = Self.targets(of: device.id, callers: callers, now: now)
        case .outbound(let attempts):
            record.destinationKind = .provider
            guard let device = payer else {
                refuse(403, "Forbidden", .notAllowed, &request)
                return
            }
            let number = (try? DialledNumber(parsing: record.dialledNumber, accessCodes: routing.plan.accessCodes))?.ruleForm ?? record.dialledNumber
            guard let found = routing.rates.tariff(accountId: device.accountId, number: number) else {
                refuse(403, "Forbidden - no rate for \(number)", .noRate, &request)
                return
            }
            tariff = found
            record.ratePrefix = found.prefix
            for attempt in attempts {
                guard let provider = routing.providers[attempt.providerId] else { continue }
                let uri = "sip:\(attempt.number)@\(Self.uriHost(provider.host)):\(provider.port)"
                if let endpoint = provider.endpoint {
                    targets.append(LegTarget(
                        endpoint: endpoint, requestURI: uri, provider: (provider.id, provider.name, attempt.number), providerTrusted: provider.trustedIdentity))
                } else {
                    record.attempts.append(.init(providerId: provider.id, providerName: provider.name, number: attempt.number, status: nil, reason: "host does not resolve", startedAt: now))
                }
            }
            guard !targets.isEmpty else {
                refuse(503, "Service Unavailable - no provider reachable", .providerFailure, &request)
                return
            }
        }
        guard !targets.isEmpty else {
            refuse(480, "Temporarily Unavailable", .calleeUnavailable, &request)
            return
        }
        // Limits and money, in that order: a refused call reserves nothing.
        var maxSeconds = calls.configuration.maxCallSeconds
        if let own = account?.maxCallSeconds { maxSeconds = min(maxSeconds, own) }
        var reservation: Ledger.Reservation?
        if let tariff, let device = payer {
            switch calls.ledger.reserve(accountId: device.accountId, tariff: tariff, limit: maxSeconds) {
            case .success(let granted):
                reservation = granted
                maxSeconds = granted.seconds
            case .failure(.noBalance), .failure(.unknownAccount):
                refuse(402, "Payment Required - no balance left", .noBalance, &request)
                return
            case .failure(.creditLimitReached):
                refuse(403, "Forbidden - credit limit reached", .noBalance, &request)
                return
            }
        }
        let fromTag = (try? request.from().tag?.string) ?? ""
        var call = ActiveCall(
            record: record, ownerLoop: loopIndex, caller: CallEndpoint(transport: peer.transport, address: peer.remote),
            callerTag: fromTag, callerFrom: request.headers.values(.from).first?.string ?? "",
            callerTo: request.headers.values(.to).first?.string ?? "",
            callerTarget: (try? request.contacts().contacts.first?.uri.description) ?? nil,
            callerCSeq: inviteCSeq, callerBranch: (try? request.topVia().branch?.string) ?? "", maxSeconds: maxSeconds)
        if let device = payer {
            call.callerDeviceId = device.id
            call.accountId = device.accountId
        }
        call.calleeDeviceId = calleeDeviceId
        call.tariff = tariff
        call.reservation = reservation
        var limits = CallRegistry.Limits()
        if let id = call.callerDeviceId { limits.callerDevice = routing.deviceLimits[id] }
        if let id = calleeDeviceId { limits.calleeDevice = routing.deviceLimits[id] }
        if call.accountId != nil { limits.account = account?.maxConcurrentCalls }
        if case .failure(let refusal) = calls.registry.begin(call, limits: limits) {
            if let reservation { calls.ledger.settle(reservation, cost: 0) }
            switch refusal {
            case .device(let limit):
                refuse(486, "Busy Here - device concurrent call limit (\(limit))", .concurrentLimit, &request)
            case .callee(let limit):
                refuse(486, "Busy Here - callee concurrent call limit (\(limit))", .concurrentLimit, &request)
            case .account(let limit):
                refuse(403, "Forbidden - account concurrent call limit (\(limit))", .concurrentLimit, &request)
            case .duplicate:
                refuse(482, "Loop Detected - call already in progress", .loopDetected, &request)
            }
            return
        }
        if let watcher = calls.watcher, !watcher.callStarting(call) {
            // This call took its account over a critical fraud level: it does not go out.
            _ = calls.registry.end(record.callID)
            if let reservation { calls.ledger.settle(reservation, cost: 0) }
            refuse(403, "Forbidden - account blocked", .accountBlocked, &request)
            return
        }
        let provider: ProviderEndpoint? = if case .provider(let provider) = caller { provider } else { nil }
        let identity = CallerIdentity.of(&request, payer: payer, provider: provider, directory: directory)
        calls.registry.update(record.callID) { $0.record.callerID = identity.asserted }
        // §16.2: 100 at once, so the caller stops retransmitting while the legs are tried.
        respond(id, answer: LocalResponder.Answer(statusCode: 100), to: &request, peer: peer)
        let maxForwards = ((try? request.maxForwards()) ?? nil).map { $0 - 1 } ?? ProxyMessages.defaultMaxForwards
        var forwarding = ProxyForwarding(
            serverID: id, callID: record.callID, request: request, peer: peer, from: call.callerFrom, to: call.callerTo,
            cseq: call.callerCSeq, maxForwards: maxForwards, removeProxyCredentials: true,
            ringDeadline: clock().advanced(byMilliseconds: Int64(calls.configuration.ringTimeoutSeconds) * 1000))
        forwarding.identity = identity
        if record.destinationKind == .provider {
            // Providers one after another (failover); devices all at once (parallel forking).
            forwarding.pending = Array(targets.dropFirst())
            targets = [targets[0]]
        }
        proxy.forwardings[id] = forwarding
        proxy.ringTimeouts.add(id, at: forwarding.ringDeadline)
        for target in targets { startLeg(id, target: target) }
    }

    /// Answers a call at once and records it.
    func refuseCall(
        _ id: TransactionID, request: inout SIPMessage, peer: SIPPeer, record: inout CallRecordDraft, status: Int, reason: String, cause: HangupCause,
        calls: CallServices, now: Int64
    ) {
        respond(id, answer: LocalResponder.Answer(statusCode: status, reasonPhrase: reason), to: &request, peer: peer)
        record.status = status
        record.reason = reason
        record.cause = cause
        record.hangupBy = .server
        record.endedAt = now
        calls.records.record(record)
    }

    /// The registered contacts of a device, each reached at the address it registered from
    /// (NAT: the packet's source, not the Contact's host).
    static func targets(of deviceId: Int64, callers: CallerServices, now: Int64) -> [LegTarget] {
        callers.registrar.bindings(deviceId: deviceId, now: now).compactMap { binding in
            guard let transport = SIPTransportKind(rawValue: binding.source.transport),
                let address = try? SocketAddress(ipAddress: binding.source.ip, port: binding.source.port)
            else { return nil }
            return LegTarget(endpoint: CallEndpoint(transport: transport, address: address), requestURI: binding.contact, provider: nil)
        }
    }

    static func uriHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// The record of a call as it starts: who called, from where, with what.
    static func draft(_ request: inout SIPMessage, caller: Caller?, peer: SIPPeer, now: Int64) -> CallRecordDraft {
        let summary = summary(&request)
        var record = CallRecordDraft(
            callID: summary.callID, startedAt: now, callerKind: .unidentified, sourceIP: peer.remote.ipAddress ?? "",
            sourcePort: peer.remote.port ?? 0, transport: peer.transport.rawValue, from: summary.from, to: summary.to,
            requestURI: summary.requestURI, dialledNumber: dialledNumber(&request))
        record.userAgent = summary.userAgent
        record.contact = summary.contact
        switch caller {
        case .device(let device):
            record.callerKind = .device
            record.accountId = device.accountId
            record.deviceId = device.id
            record.callerName = device.username
        case .provider(let provider):
            record.callerKind = .provider
            record.providerId = provider.providerId
            record.callerName = provider.name
        case .guest:
            record.callerKind = .guest
        case .transferee(let grant):
            // The transferring device's call, placed by the party it transferred.
            record.callerKind = .device
            record.accountId = grant.accountId
            record.deviceId = grant.transferorDeviceId
            record.relatedCallID = grant.callID
        case nil:
            break
        }
        return record
    }

    /// The user part of the Request-URI (or a tel URI's number), as dialled.
    static func dialledNumber(_ request: inout SIPMessage) -> String {
        switch try? request.requestURI() {
        case .sip(let uri):
            return uri.decodedUser.map { String(decoding: $0, as: UTF8.self) } ?? ""
        case .tel(let tel):
            return tel.number.string
        default:
            return ""
        }
    }

    /// §16.3 step 4: a request already carrying one of the proxy's own transaction branches
    /// came back to it.
    func isLooped(_ request: inout SIPMessage, network: ProxyNetwork) -> Bool {
        guard let vias = try? request.via() else { return false }
        return vias.contains { via in
            guard let branch = via.branch, ProxyBranch(branch) != nil else { return false }
            return network.isOwn(host: via.host.string, port: via.port)
        }
    }

    static func hasToTag(_ request: inout SIPMessage) -> Bool {
        (try? request.to().tag) != nil
    }
}

extension SIPInstant {
    func advanced(byMilliseconds milliseconds: Int64) -> SIPInstant {
        SIPInstant(nanoseconds: nanoseconds + milliseconds * 1_000_000)
    }
}
