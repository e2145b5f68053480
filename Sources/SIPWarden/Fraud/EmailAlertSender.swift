import Foundation
import Logging
import NIOCore
import NIOPosix

/// Sends alerts by e-mail through an SMTP relay (RFC 5321): EHLO, MAIL FROM, RCPT TO for
/// each recipient, DATA, QUIT, over plain TCP without authentication (a relay on the
/// operator's own network: the usual way servers hand mail to the local MTA). One message
/// per alert, in a task of its own; a failure is logged, not retried (webhooks retry).
final class EmailAlertSender: Sendable {
    let settings: FraudSettings.Email
    let logger: Logger
    let group: any EventLoopGroup

    init(settings: FraudSettings.Email, logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.logger = logger
        self.group = group
    }

    func send(subject: String, body: String) {
        Task {
            do {
                try await self.deliver(subject: subject, body: body)
            } catch {
                self.logger.error("alert e-mail not sent", metadata: ["relay": "\(self.settings.host):\(self.settings.port)", "error": "\(error)"])
            }
        }
    }

    struct SMTPError: Error, CustomStringConvertible {
        let description: String
    }

    func deliver(subject: String, body: String) async throws {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { inbound, outbound in
            var reader = SMTPReplyReader(inbound.makeAsyncIterator())
            try await reader.expect(220)
            for (command, code) in [("EHLO \(Self.hostName())", 250), ("MAIL FROM:<\(settings.from)>", 250)] {
                try await outbound.write(ByteBuffer(string: command + "\r\n"))
                try await reader.expect(code)
            }
            for recipient in settings.to {
                try await outbound.write(ByteBuffer(string: "RCPT TO:<\(recipient)>\r\n"))
                try await reader.expect(250)
            }
            try await outbound.write(ByteBuffer(string: "DATA\r\n"))
            try await reader.expect(354)
            try await outbound.write(ByteBuffer(string: Self.message(from: settings.from, to: settings.to, subject: subject, body: body)))
            try await reader.expect(250)
            try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            _ = try? await reader.reply()
        }
    }

    /// The message with its headers (RFC 5322), lines ending in CRLF, a body line starting
    /// with `.` doubled (RFC 5321 §4.5.2), and the end-of-data line.
    static func message(from: String, to: [String], subject: String, body: String, date: Date = Date()) -> String {
        let cleanSubject = String(subject.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init)).prefix(200)
        var lines = [
            "From: <\(from)>", "To: " + to.map { "<\($0)>" }.joined(separator: ", "), "Subject: \(cleanSubject)",
            "Date: " + date.formatted(.dateTime.weekday(.abbreviated).day().month(.abbreviated).year().hour(.twoDigits(amPM: .omitted)).minute().second().timeZone(.iso8601(.short))),
            "Message-ID: <\(UUID().uuidString)@sipwarden>", "MIME-Version: 1.0", "Content-Type: application/json; charset=utf-8",
            "Content-Transfer-Encoding: 8bit", "",
        ]
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.replacingOccurrences(of: "\r", with: "")
            lines.append(text.hasPrefix(".") ? "." + text : text)
        }
        lines.append(".")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func hostName() -> String {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty || name.contains(" ") ? "sipwarden.invalid" : name
    }
}

/// Reads SMTP replies (a code, `-` for a line that continues, text) from a byte stream.
struct SMTPReplyReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ""

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    mutating func line() async throws -> String {
        while true {
            if let range = pending.range(of: "\r\n") {
                let line = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                return line
            }
            guard pending.utf8.count < 65_536, let buffer = try await iterator.next() else {
                throw EmailAlertSender.SMTPError(description: "the relay closed the connection")
            }
            pending += String(buffer: buffer)
        }
    }

    /// A whole reply: its code and last line.
    mutating func reply() async throws -> (code: Int, text: String) {
        while true {
            let line = try await line()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw EmailAlertSender.SMTPError(description: "not an SMTP reply: \(line.prefix(80))")
            }
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, line) }
        }
    }

    mutating func expect(_ code: Int) async throws {
        let reply = try await reply()
        guard reply.code == code else { throw EmailAlertSender.SMTPError(description: "relay answered \(reply.text.prefix(120))") }
    }
}
