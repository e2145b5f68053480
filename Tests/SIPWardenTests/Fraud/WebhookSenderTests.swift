import Console
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import SIPWarden

/// Webhook delivery against a real HTTP receiver on loopback: the signature a receiver can
/// check, retries on 5xx, no retry on a 4xx.
@Suite("Webhooks")
struct WebhookSenderTests {
    struct Received: Sendable {
        var body: String
        var timestamp: String?
        var signature: String?
        var eventType: String?
    }

    final class Log: Sendable {
        let entries = Mutex<[Received]>([])
        func withLock<T>(_ body: (inout [Received]) -> T) -> T { entries.withLock { body(&$0) } }
    }

    /// A receiver answering with `statuses` in turn (then 204), recording each request.
    static func receiver(_ statuses: [HTTPResponse.Status], into log: Log) -> some ApplicationProtocol {
        let router = Router()
        let answers = Mutex(statuses)
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            log.withLock {
                $0.append(Received(
                    body: String(buffer: body), timestamp: request.headers[HTTPField.Name("X-SIPWarden-Timestamp")!],
                    signature: request.headers[HTTPField.Name("X-SIPWarden-Signature")!],
                    eventType: request.headers[HTTPField.Name("X-SIPWarden-Event")!]))
            }
            let status = answers.withLock { $0.isEmpty ? .noContent : $0.removeFirst() }
            return Response(status: status)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func sender(port: Int, secret: String) throws -> WebhookSender {
        WebhookSender(
            urls: [try #require(URL(string: "http://127.0.0.1:\(port)/hook"))], secret: secret, logger: Logger(label: "test"),
            retryDelays: [.milliseconds(10), .milliseconds(10), .milliseconds(10), .milliseconds(10)])
    }

    @Test("a 503 is retried; the delivery carries the event and an HMAC-SHA256 signature of timestamp.body")
    func retriesAndSigns() async throws {
        let log = Log()
        let secret = "a-shared-secret-of-some-length"
        try await Self.receiver([.serviceUnavailable], into: log).test(.live) { client in
            let sender = try Self.sender(port: try #require(client.port), secret: secret)
            let event = ServerEvent(type: "fraud.alert", time: Date(), fields: ["rule": .text("account-spend-hour"), "figure": .number(52_300_000)])
            let url = try #require(sender.urls.first)
            await sender.deliver(event, to: url)
            let received = log.withLock { $0 }
            #expect(received.count == 2)
            let last = try #require(received.last)
            #expect(last.body == event.json)
            #expect(last.eventType == "fraud.alert")
            let timestamp = try #require(last.timestamp)
            let expected = HMAC<SHA256>.authenticationCode(for: Data((timestamp + "." + last.body).utf8), using: SymmetricKey(data: Data(secret.utf8)))
            #expect(last.signature == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
            #expect(sender.deliveries.delivered == 1)
            #expect(sender.deliveries.failed == 0)
        }
    }

    @Test("a 400 is not retried: one request, counted as failed")
    func doesNotRetryClientErrors() async throws {
        let log = Log()
        try await Self.receiver([.badRequest, .badRequest], into: log).test(.live) { client in
            let sender = try Self.sender(port: try #require(client.port), secret: "another-long-secret-here")
            await sender.deliver(ServerEvent(type: "fraud.alert", json: "{}"), to: try #require(sender.urls.first))
            #expect(log.withLock { $0.count } == 1)
            #expect(sender.deliveries.failed == 1)
        }
    }

    @Test("an unreachable receiver is tried five times, then given up")
    func givesUpWhenUnreachable() async throws {
        let sender = WebhookSender(
            urls: [URL(string: "http://127.0.0.1:9/hook")!], secret: "another-long-secret-here", logger: Logger(label: "test"),
            retryDelays: [.milliseconds(5), .milliseconds(5), .milliseconds(5), .milliseconds(5)], timeout: .seconds(2))
        await sender.deliver(ServerEvent(type: "fraud.alert", json: "{}"), to: sender.urls[0])
        #expect(sender.deliveries == (0, 1))
    }

    @Test("a URL's password is not logged")
    func hidesCredentials() throws {
        let url = try #require(URL(string: "https://user:secret@hooks.example.com/path?token=abc"))
        #expect(WebhookSender.display(url) == "https://hooks.example.com/path")
    }

    @Test("an alert e-mail: headers without line breaks, dot-stuffed body, end of data")
    func emailMessage() {
        let message = EmailAlertSender.message(
            from: "a@example.com", to: ["b@example.com", "c@example.com"], subject: "fraud\r\nBcc: evil@example.com", body: "{}\n.hidden\nend")
        #expect(message.contains("Subject: fraudBcc: evil@example.com\r\n"))
        #expect(!message.contains("\r\nBcc:"))
        #expect(message.contains("To: <b@example.com>, <c@example.com>\r\n"))
        #expect(message.contains("\r\n\r\n{}\r\n..hidden\r\nend\r\n.\r\n"))
    }
}
