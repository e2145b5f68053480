public import Logging
public import NIOCore
public import SIPCore
public import SIPTransaction
public import SIPTransport

/// The request processor of one event loop: parses what the transports read, validates it,
/// absorbs retransmissions through the transaction table, and answers.
///
/// Non-INVITE requests the server answers itself get a stateless answer (RFC 3261 §8.2.7: a
/// retransmission is answered again, identically, with a deterministic To tag), so that an
/// OPTIONS flood costs no memory. INVITE, ACK and CANCEL go through server transactions
/// (§17.2), which retransmit a final answer over UDP until it is acknowledged.
///
/// Loop-confined: called only on its event loop, so it owns its table without locks.
public final class SIPEngine: SIPInboundProcessor {
    public struct Configuration: Sendable {
        public var limits: ParserLimits = .default
        public var forceRport: Bool = true
        public var transactions = TransactionTable<TransactionContext>.Configuration(sendsTrying: false)
        /// How often the transaction timers are looked at.
        public var tickInterval: Duration = .milliseconds(50)

        public init() {}
    }

    /// What a transaction needs to send: the way back to its peer.
    public struct TransactionContext: Sendable {
        let replies: SIPReplySender
    }

    public let configuration: Configuration
    public private(set) var responder: LocalResponder
    /// Authentication, the registrar and caller identification; nil: the server answers
    /// only for itself (REGISTER is 405, requests for others 404).
    public let callers: CallerServices?
    /// Scanner fingerprints and the events of malformed messages; nil: no intrusion
    /// prevention in the request path.
    public let defense: SourceDefense?
    /// The dial plan, the proxy and call records; nil: identified callers' requests are
    /// answered 404 (nothing can be reached).
    public let calls: CallServices?
    /// This engine's place among the event loops (answers to its transactions carry it).
    public let loopIndex: Int
    /// Where requests, answers, parse errors and answer times are reported; nil: nowhere.
    public let metrics: (any EngineMetrics)?
    /// When the engine began to handle the message being read, while no final answer to it
    /// has been written yet (kept only with metrics, for the answer-time histogram).
    var readingSince: SIPInstant?
    /// The transaction figures last reported to the metrics.
    var reportedTransactions = (live: 0, created: 0)
    var proxy = ProxyState()
    var eventLoop: (any EventLoop)?
    /// The socket or connection whose read is being handled: its read burst ends with a flush.
    var reading: SIPReplySender?
    public internal(set) var statistics = EngineStatistics()
    var table: TransactionTable<TransactionContext>
    let routing: ResponseRouting
    let clock: @Sendable () -> SIPInstant
    let logger: Logger
    private var ticker: RepeatedTask?
    /// The Server header value as bytes, built once (every answer carries it).
    private let serverHeader: SIPString?
    /// The Date header text of the current second (a REGISTER's 200 carries one).
    var dateHeaderCache: (second: Int64, text: String) = (-1, "")

    public init(
        configuration: Configuration, responder: LocalResponder, logger: Logger, callers: CallerServices? = nil,
        defense: SourceDefense? = nil, calls: CallServices? = nil, loopIndex: Int = 0, metrics: (any EngineMetrics)? = nil,
        clock: @escaping @Sendable () -> SIPInstant = SIPEngine.monotonicNow
    ) {
        self.calls = calls
        self.metrics = metrics
        self.loopIndex = loopIndex
        self.configuration = configuration
        self.responder = responder
        self.callers = callers
        self.defense = defense
        self.logger = logger
        self.clock = clock
        self.table = TransactionTable(configuration: configuration.transactions)
        self.routing = ResponseRouting(forceRport: configuration.forceRport)
        self.serverHeader = responder.identity.serverHeader.map { SIPString($0) }
    }

    /// The monotonic clock the transactions run on.
    @Sendable public static func monotonicNow() -> SIPInstant {
        SIPInstant(nanoseconds: Int64(clamping: NIODeadline.now().uptimeNanoseconds))
    }

    /// Live server and client transactions.
    public var transactionCount: Int { table.count }

    /// Starts the transaction timers on `loop` (the loop this engine belongs to).
    public func start(on loop: any EventLoop) {
        let interval = TimeAmount.nanoseconds(Int64(configuration.tickInterval.components.seconds) * 1_000_000_000
            + configuration.tickInterval.components.attoseconds / 1_000_000_000)
        // The engine is confined to `loop`; the bound box lets the repeated task reach it there.
        // `stop()` cancels the task, which releases the engine.
        eventLoop = loop
        let bound = NIOLoopBound(self, eventLoop: loop)
        ticker = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let engine = bound.value
            engine.advance(to: engine.clock())
        }
    }

    public func stop() {
        ticker?.cancel()
        ticker = nil
    }

    /// Fires every transaction timer due at `now`.
    public func advance(to now: SIPInstant) {
        defer { reportTransactions() }
        if calls != nil { proxyTick(now: now) }
        guard let next = table.nextDeadline, next <= now else { return }
        for output in table.advance(to: now) {
            carryOut(output, timerDriven: true)
        }
    }

    // MARK: - Inbound

    public func process(_ inbound: SIPInbound, from peer: SIPPeer, replies: SIPReplySender) {
        reading = replies
        // One clock read per message, and only when someone keeps the figures.
        if metrics != nil { readingSince = clock() }
        defer {
            reading = nil
            readingSince = nil
            reportTransactions()
        }
        switch inbound {
        case .datagram(let bytes):
            do throws(SIPParseError) {
                var message = try SIPMessage(parsing: bytes, framing: .datagram, limits: configuration.limits)
                handle(&message, peer: peer, replies: replies)
            } catch {
                answerMalformed(error.partialMessage, error: error, peer: peer, replies: replies)
            }
        case .message(var message):
            handle(&message, peer: peer, replies: replies)
        case .framingError(let error):
            answerMalformed(error.partialMessage, error: error, peer: peer, replies: replies)
        }
    }

    private func handle(_ message: inout SIPMessage, peer: SIPPeer, replies: SIPReplySender) {
        guard let method = message.method else {
            // A response's handling (forwarding it, say) is not an answer time.
            readingSince = nil
            if let callers, callers.consume(&message, from: peer) { return }
            if calls != nil, routeResponse(&message, peer: peer) { return }
            // Neither an outbound registration's nor a forwarding's: a stray response (RFC 6026 §7.2).
            statistics.strayResponses += 1
            logger.debug("stray response dropped", metadata: ["peer": "\(peer)", "status": "\(message.statusCode ?? 0)"])
            return
        }
        statistics.requests += 1
        metrics?.requestReceived(method)
        do throws(SIPParseError) {
            try message.validate()
        } catch {
            answerMalformed(message, error: error, peer: peer, replies: replies)
            return
        }
        if let defense, let scanners = defense.scanners, screen(&message, scanners: scanners, defense: defense, peer: peer) {
            return
        }
        if calls != nil, method != .register, method != .cancel, method != .ack, Self.hasToTag(&message) {
            // Within a dialog (RFC 3261 §12.2): forwarded to its other party, or 481.
            forwardInDialog(&message, method: method, peer: peer, replies: replies)
            return
        }
        switch method {
        case .invite, .ack, .cancel:
            handleWithTransaction(&message, method: method, peer: peer, replies: replies)
        default:
            let disposition: LocalResponder.Disposition
            do throws(SIPParseError) {
                disposition = try responder.disposition(&message)
            } catch {
                answerMalformed(message, error: error, peer: peer, replies: replies)
                return
            }
            switch disposition {
            case .answer(let answer):
                sendStateless(answer, to: &message, peer: peer, replies: replies)
            case .local:
                if let callers, method == .register {
                    handleRegister(&message, callers: callers, peer: peer, replies: replies)
                } else {
                    sendStateless(LocalResponder.Answer(statusCode: 405, headers: [responder.allowHeader]), to: &message, peer: peer, replies: replies)
                }
            case .route:
                if let callers {
                    let caller = identifyCaller(&message, callers: callers, peer: peer) { answer, request in
                        sendStateless(answer, to: &request, peer: peer, replies: replies)
                    }
                    guard caller != nil else { return }
                }
                // Only INVITE starts a call; other requests outside a dialog reach nobody
                // (every identified caller gets the same 404).
                sendStateless(LocalResponder.Answer(statusCode: 404), to: &message, peer: peer, replies: replies)
            }
        }
    }

    // MARK: - Transactions

    private func handleWithTransaction(_ received: inout SIPMessage, method: SIPMethod, peer: SIPPeer, replies: SIPReplySender) {
        var caller: Caller?
        if method == .invite, (try? table.serverTransaction(for: ServerTransactionKey(request: received))) == nil {
            // A new INVITE. Whatever refuses it before its caller is known (the §8.2 checks,
            // a challenge, a caller nobody can identify) is answered statelessly (§8.2.7, as
            // Kamailio's sl_send_reply): one answer per request, never retransmitted, and no
            // transaction slot held, so spoofed or unanswered INVITEs cost no memory and
            // cannot crowd out real calls. Only an identified caller's INVITE gets a server
            // transaction, for its call.
            guard let identified = admitNewInvite(&received, peer: peer, replies: replies) else { return }
            caller = identified
        }
        // A transaction keeps its request's bytes for up to 32 s; a datagram read by recvmmsg
        // shares one large buffer with the others of its batch, so it gets storage of its own.
        var message = compacted(received)
        let now = clock()
        let topVia = try? message.topVia()
        let context = TransactionContext(replies: routing.replies(for: topVia, peer: peer, replies: replies))
        let reliability: TransportReliability = peer.transport.isReliable ? .reliable : .unreliable
        switch table.receive(request: message, reliability: reliability, context: context, now: now) {
        case .created(let output):
            carryOut(output, timerDriven: false)
            if let caller, let calls, let callers {
                startCall(&message, id: output.id, caller: caller, peer: peer, calls: calls, callers: callers)
            } else {
                respond(output.id, answer: LocalResponder.Answer(statusCode: 404), to: &message, peer: peer)
            }
        case .cancel(let output, let inviteID):
            carryOut(output, timerDriven: false)
            // §9.2: answered 200 at once; an INVITE being forwarded is cancelled downstream
            // (§16.10), and its 487 comes back through the legs.
            respond(output.id, answer: LocalResponder.Answer(statusCode: 200), to: &message, peer: peer)
            cancelForwarding(inviteID)
        case .cancelWithoutInvite(let output):
            carryOut(output, timerDriven: false)
            respond(output.id, answer: LocalResponder.Answer(statusCode: 481), to: &message, peer: peer)
        case .matched(let output):
            statistics.absorbed += 1
            carryOut(output, timerDriven: false)
        case .ackWithoutTransaction:
            // The ACK of a 2xx, or of a transaction already gone: nothing to answer, ever. A
            // 2xx's ACK goes on end to end, within its dialog (§13.2.2.4, §16.6).
            statistics.absorbed += 1
            if calls != nil, Self.hasToTag(&message) {
                forwardInDialog(&message, method: .ack, peer: peer, replies: replies)
            }
        case .refused:
            statistics.refusedForCapacity += 1
            if method != .ack {
                sendStateless(LocalResponder.Answer(statusCode: 503, headers: [("Retry-After", "5")]), to: &message, peer: peer, replies: replies)
            }
        case .unmatchable(let error):
            answerMalformed(message, error: error, peer: peer, replies: replies)
        }
    }

    /// A new INVITE before it has a transaction: the §8.2 and §16.3 checks, then who is
    /// calling. Returns the caller when the INVITE is to become a call; otherwise it has been
    /// answered, statelessly, and nil comes back.
    private func admitNewInvite(_ message: inout SIPMessage, peer: SIPPeer, replies: SIPReplySender) -> Caller? {
        let refusal: LocalResponder.Answer
        switch (try? responder.disposition(&message)) ?? .answer(LocalResponder.Answer(statusCode: 400)) {
        case .answer(let answer):
            refusal = answer.statusCode == 200 ? LocalResponder.Answer(statusCode: 405, headers: [responder.allowHeader]) : answer
        case .local:
            refusal = LocalResponder.Answer(statusCode: 405, headers: [responder.allowHeader])
        case .route:
            guard let callers else {
                refusal = LocalResponder.Answer(statusCode: 404)
                break
            }
            let caller = identifyCaller(&message, callers: callers, peer: peer) { answer, request in
                sendStateless(answer, to: &request, peer: peer, replies: replies)
            }
            guard let caller else { return nil }
            // Identified, but nothing can be reached: every caller gets the same 404.
            guard calls != nil else {
                refusal = LocalResponder.Answer(statusCode: 404)
                break
            }
            return caller
        }
        sendStateless(refusal, to: &message, peer: peer, replies: replies)
        return nil
    }

    private func compacted(_ message: SIPMessage) -> SIPMessage {
        guard message.bytes.storageCapacity > message.bytes.readableBytes * 2 else { return message }
        var copy = ByteBuffer()
        copy.writeImmutableBuffer(message.bytes)
        return (try? SIPMessage(parsing: copy, framing: .datagram, limits: configuration.limits)) ?? message
    }

    func respond(_ id: TransactionID, answer: LocalResponder.Answer, to request: inout SIPMessage, peer: SIPPeer) {
        guard let response = buildResponse(answer, to: &request, peer: peer, toTag: nil) else { return }
        countAnswer(answer.statusCode)
        if let output = table.respond(id, with: response, now: clock()) {
            carryOut(output, timerDriven: false)
        }
    }

    /// - Parameter timerDriven: flush each send at once (a timer's, or a write to a channel
    ///   other than the one being read); otherwise the read burst's end flushes it.
    func carryOut(_ output: TransactionTable<TransactionContext>.Output, timerDriven: Bool) {
        for action in output.actions {
            switch action {
            case .send(let bytes):
                if timerDriven {
                    output.context.replies.sendNow(bytes)
                } else {
                    output.context.replies.send(bytes)
                }
            case .timeout(let timer):
                logger.debug("transaction timed out", metadata: ["timer": "\(timer)"])
                legFailed(output.id, status: 408)
            case .passResponse(var response):
                legResponse(output.id, response: &response)
            case .transportError:
                legFailed(output.id, status: 503)
            case .terminated:
                legTerminated(output.id)
            case .passRequest, .passACK:
                break
            }
        }
    }

    // MARK: - Answers

    /// Answers without a transaction: the response is written straight into the buffer that
    /// is sent (the same bytes `buildResponse` would serialise).
    func sendStateless(_ answer: LocalResponder.Answer, to request: inout SIPMessage, peer: SIPPeer, replies: SIPReplySender) {
        let tag = statelessTag(&request)
        let via = try? request.topVia()
        let topVia = via.flatMap { routing.topVia(for: $0, peer: peer) }
        var extraHeaders = answer.wireHeaders
        if let serverHeader {
            extraHeaders.append(SIPOutgoingMessage.Header(name: SIPHeaderName.server.canonicalSIPString, value: serverHeader))
        }
        var bytes = ByteBuffer()
        do throws(SIPSerializationError) {
            try SIPOutgoingMessage.writeResponse(
                to: &request, statusCode: answer.statusCode, reasonPhrase: answer.reasonPhrase.map { SIPString($0) },
                toTag: tag, topVia: topVia, extraHeaders: extraHeaders, into: &bytes)
        } catch {
            logger.debug("response not built", metadata: ["peer": "\(peer)", "reason": "\(error)"])
            return
        }
        routing.replies(for: via, peer: peer, replies: replies).send(bytes)
        countAnswer(answer.statusCode)
    }

    private func statelessTag(_ request: inout SIPMessage) -> SIPString {
        let callID = (try? request.callID()) ?? SIPString("")
        let fromTag = (try? request.from())?.tag
        let cseq = (try? request.cseq())?.sequence ?? 0
        let branch = (try? request.topVia())?.branch
        return StatelessTag.make(callID: callID, fromTag: fromTag, cseq: cseq, branch: branch)
    }

    private func buildResponse(_ answer: LocalResponder.Answer, to request: inout SIPMessage, peer: SIPPeer, toTag: SIPString?) -> SIPOutgoingMessage? {
        let topVia = (try? request.topVia()).flatMap { routing.topVia(for: $0, peer: peer) }
        do throws(SIPSerializationError) {
            var response = try SIPOutgoingMessage.response(
                to: &request, statusCode: answer.statusCode, reasonPhrase: answer.reasonPhrase, toTag: toTag, topVia: topVia)
            for header in answer.wireHeaders {
                try response.append(header.name, header.value)
            }
            if let serverHeader {
                try response.append(.server, serverHeader)
            }
            return response
        } catch {
            logger.debug("response not built", metadata: ["peer": "\(peer)", "reason": "\(error)"])
            return nil
        }
    }

    /// A request that failed to parse or validate is answered (400, or 505, 513, 413, 501)
    /// when the headers a response copies are there (Via, From, To, Call-ID, CSeq; copied as
    /// received even when they are the malformed part); otherwise, and for ACK and responses,
    /// it is dropped without a word (RFC 3261 §8.2, §18.3; RFC 4475 §3.1.2).
    private func answerMalformed(_ message: SIPMessage?, error: SIPParseError, peer: SIPPeer, replies: SIPReplySender) {
        metrics?.parseError()
        reportMalformed(message, error: error, peer: peer)
        guard var request = message, let method = request.method, method != .ack,
            SIPMessage.mandatoryHeaders.allSatisfy({ name in request.headers.values(name).contains { !$0.isEmpty } })
        else {
            statistics.malformedDropped += 1
            logger.debug("unreadable message dropped", metadata: ["peer": "\(peer)", "reason": "\(SafeText.escape(error.description))"])
            return
        }
        var status = error.code.suggestedStatus
        // RFC 4475 §3.1.2.18: an unknown method with a mismatched CSeq is better answered 501.
        if error.code == .cseqMethodMismatch, case .other = method { status = 501 }
        let reason = status == 400 ? "Bad Request - \(error.reasonPhrase)" : nil
        statistics.malformedAnswered += 1
        logger.debug("malformed request answered", metadata: ["peer": "\(peer)", "status": "\(status)", "reason": "\(SafeText.escape(error.description))"])
        var headers: [(name: String, value: String)] = []
        if status == 501 { headers.append(responder.allowHeader) }
        sendStateless(LocalResponder.Answer(statusCode: status, reasonPhrase: reason, headers: headers), to: &request, peer: peer, replies: replies)
    }
}
