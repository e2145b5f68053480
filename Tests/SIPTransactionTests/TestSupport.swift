import NIOCore
import SIPCore
import SIPTestSupport
import SIPTransaction
import Testing

/// The instant `seconds` after the tests' zero.
func at(_ seconds: Double) -> SIPInstant {
    SIPInstant(nanoseconds: Int64((seconds * 1_000_000_000).rounded()))
}

/// An instant as seconds, for readable expectations.
func seconds(_ instant: SIPInstant) -> Double {
    Double(instant.nanoseconds) / 1_000_000_000
}

/// Armed timers as "G@0.5" strings, in firing order.
func describe(_ timers: [ScheduledTimer]) -> [String] {
    timers.map { "\($0.timer.rawValue)@\(seconds($0.deadline))" }
}

/// Actions as short strings: "send 180", "send ACK", "pass INVITE", "pass 200", "pass ACK", "timeout H",
/// "transport error", "terminated".
func describe(_ actions: [TransactionAction]) -> [String] {
    actions.map { action in
        switch action {
        case .send(let bytes): return "send \(startToken(bytes))"
        case .passRequest(let request): return "pass \(request.method?.name ?? "response")"
        case .passResponse(let response): return "pass \(response.statusCode.map(String.init) ?? "request")"
        case .passACK(let ack): return "pass \(ack.method?.name ?? "response")"
        case .timeout(let timer): return "timeout \(timer.rawValue)"
        case .transportError: return "transport error"
        case .terminated: return "terminated"
        }
    }
}

/// The status code of a response or the method of a request in `bytes`.
func startToken(_ bytes: ByteBuffer) -> String {
    let text = String(buffer: bytes)
    let firstLine = text.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
    let words = firstLine.split(separator: " ")
    if words.first == "SIP/2.0", words.count > 1 { return String(words[1]) }
    return words.first.map(String.init) ?? ""
}

/// The bytes of every `.send` action.
func sent(_ actions: [TransactionAction]) -> [ByteBuffer] {
    actions.compactMap { action in
        if case .send(let bytes) = action { return bytes }
        return nil
    }
}

/// A request as a phone or proxy sends it, with every part the matching rules look at
/// adjustable (RFC 3261 §17.2.3, §17.1.3).
struct RequestSpec: Sendable {
    var method = "INVITE"
    var uri = "sip:bob@biloxi.example.com"
    var branch: String? = "z9hG4bK74bf9"
    var sentBy = "pc33.atlanta.example.com:5060"
    var transport = "UDP"
    /// Whole Via lines after the top one.
    var lowerVias: [String] = []
    var fromTag: String? = "9fxced76sl"
    var toTag: String?
    var callID = "3848276298220188511@atlanta.example.com"
    var cseq: UInt32 = 1
    /// The CSeq method; the request method when nil.
    var cseqMethod: String?
    var routes: [String] = []

    var text: String {
        var lines = ["\(method) \(uri) SIP/2.0"]
        lines.append("Via: SIP/2.0/\(transport) \(sentBy)" + (branch.map { ";branch=\($0)" } ?? ""))
        lines += lowerVias
        lines.append("Max-Forwards: 70")
        lines += routes.map { "Route: \($0)" }
        lines.append("To: Bob <sip:bob@biloxi.example.com>" + (toTag.map { ";tag=\($0)" } ?? ""))
        lines.append("From: Alice <sip:alice@atlanta.example.com>" + (fromTag.map { ";tag=\($0)" } ?? ""))
        lines.append("Call-ID: \(callID)")
        lines.append("CSeq: \(cseq) \(cseqMethod ?? method)")
        lines.append("Contact: <sip:alice@pc33.atlanta.example.com>")
        return SampleMessages.message(lines)
    }

    var message: SIPMessage {
        get throws { try SIPMessage(parsing: text) }
    }

    /// A copy with some fields changed.
    func with(_ change: (inout RequestSpec) -> Void) -> RequestSpec {
        var copy = self
        change(&copy)
        return copy
    }
}

/// The response the TU builds for `request` (RFC 3261 §8.2.6), with To tag `toTag`.
func outgoingResponse(_ statusCode: Int, to request: SIPMessage, toTag: String = "srv-8a3f") throws -> SIPOutgoingMessage {
    try SIPOutgoingMessage.response(to: request, statusCode: statusCode, toTag: toTag)
}

/// The same response as it arrives at the client: serialized and parsed again.
func incomingResponse(_ statusCode: Int, to request: SIPMessage, toTag: String = "srv-8a3f") throws -> SIPMessage {
    try SIPMessage(parsing: outgoingResponse(statusCode, to: request, toTag: toTag).serialized)
}

/// Short-hand for the RFC 3261 default timers.
let defaultTimers = TransactionTimers.rfc3261

/// One step of a state-machine table: at `time` seconds, `event` happens, and the actions
/// the transaction returns must read `expect`.
struct TransactionStep<Event: Sendable>: Sendable {
    let time: Double
    let event: Event
    let expect: [String]

    init(_ time: Double, _ event: Event, _ expect: [String]) {
        self.time = time
        self.event = event
        self.expect = expect
    }
}

/// One row of a state-machine table: the RFC rule, the steps, and the state and armed
/// timers the transaction must end in.
struct TransactionRow<State: Sendable, Event: Sendable>: Sendable, CustomTestStringConvertible {
    let rfc: String
    let reliability: TransportReliability
    let steps: [TransactionStep<Event>]
    let state: State
    let timers: [String]
    var testDescription: String { "\(rfc) [\(reliability)]" }
}
