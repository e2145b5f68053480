import AsyncHTTPClient
import Console
import Crypto
import Foundation
import Logging
import NIOCore
import Synchronization

/// POSTs alerts to the configured webhooks as JSON, signed, with retries.
///
/// Signature: `X-SIPWarden-Signature: sha256=HEX`, the HMAC-SHA256 (keyed with
/// `fraud.webhook_secret`) of the `X-SIPWarden-Timestamp` value (Unix seconds), a `.`, and
/// the body: a receiver recomputes it and also refuses old timestamps, so a captured alert
/// cannot be replayed later. `X-SIPWarden-Event` names the event type.
///
/// Retries: a connection failure, a timeout, 408, 429 or a 5xx is tried again after 1, 2,
/// 4 and 8 seconds (five tries in all); another answer ends the delivery (a 4xx will not
/// get better by repeating).
final class WebhookSender: Sendable {
    let urls: [URL]
    let secret: SymmetricKey
    let logger: Logger
    let client: HTTPClient
    let retryDelays: [Duration]
    let timeout: TimeAmount
    private let counts = Mutex<(delivered: Int, failed: Int)>((0, 0))

    init(
        urls: [URL], secret: String, logger: Logger, client: HTTPClient = .shared,
        retryDelays: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8)], timeout: TimeAmount = .seconds(10)
    ) {
        self.urls = urls
        self.secret = SymmetricKey(data: Data(secret.utf8))
        self.logger = logger
        self.client = client
        self.retryDelays = retryDelays
        self.timeout = timeout
    }

    /// Deliveries that succeeded and that gave up, since start.
    var deliveries: (delivered: Int, failed: Int) { counts.withLock { $0 } }

    func deliver(_ event: ServerEvent) {
        for url in urls {
            Task { await self.deliver(event, to: url) }
        }
    }

    func deliver(_ event: ServerEvent, to url: URL) async {
        let timestamp = String(Int64(Date().timeIntervalSince1970))
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "SIPWarden")
        request.headers.add(name: "X-SIPWarden-Event", value: event.type)
        request.headers.add(name: "X-SIPWarden-Timestamp", value: timestamp)
        request.headers.add(name: "X-SIPWarden-Signature", value: "sha256=" + Self.signature(timestamp: timestamp, body: event.json, key: secret))
        request.body = .bytes(ByteBuffer(string: event.json))
        var lastProblem = ""
        for attempt in 0...retryDelays.count {
            if attempt > 0 {
                try? await Task.sleep(for: retryDelays[attempt - 1])
            }
            do {
                let response = try await client.execute(request, timeout: timeout)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                let status = response.status.code
                if (200..<300).contains(status) {
                    counts.withLock { $0.delivered += 1 }
                    logger.debug("webhook delivered", metadata: ["url": "\(Self.display(url))", "event": "\(event.type)", "tries": "\(attempt + 1)"])
                    return
                }
                lastProblem = "HTTP \(status)"
                guard status == 408 || status == 429 || status >= 500 else { break }
            } catch {
                lastProblem = "\(error)"
            }
        }
        counts.withLock { $0.failed += 1 }
        logger.error("webhook not delivered", metadata: ["url": "\(Self.display(url))", "event": "\(event.type)", "problem": "\(lastProblem)"])
    }

    /// Lower-case hex HMAC-SHA256 of `timestamp.body`.
    static func signature(timestamp: String, body: String, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((timestamp + "." + body).utf8), using: key)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// A URL without its user and password, for the log.
    static func display(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(url)" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        return parts.string ?? "(url)"
    }
}
