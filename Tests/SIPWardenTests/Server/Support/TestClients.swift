import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SIPTestSupport
import Synchronization

/// Upper bounds for waiting on the server. A healthy server answers in milliseconds; a wait
/// that reaches its bound is a failure, never a pass.
enum Wait {
    /// For an answer, a close, anything the server must do.
    static let answer: Duration = .seconds(5)
    /// For "nothing arrives", where no later message can prove it (a short look only).
    static let silence: Duration = .milliseconds(300)
}

/// Polls `condition` every few milliseconds until it yields a value or `timeout` passes.
func poll<T>(timeout: Duration, _ condition: () -> T?) async -> T? {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let value = condition() { return value }
        if clock.now >= deadline { return nil }
        try? await Task.sleep(for: .milliseconds(5))
    }
}

extension SocketAddress {
    /// 127.0.0.0/8 or ::1: the only places a test may send to.
    var isLoopback: Bool {
        guard let ip = ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1"
    }
}

/// What a client channel read, shared with its handler.
final class ClientInbox: Sendable {
    struct Datagram: Sendable {
        let source: SocketAddress
        let bytes: [UInt8]
    }

    private struct State {
        var datagrams: [Datagram] = []
        var stream: [UInt8] = []
        var closed = false
        var errors: [String] = []
        var localAddress: SocketAddress?
    }

    private let state = Mutex(State())

    func append(_ datagram: Datagram) { state.withLock { $0.datagrams.append(datagram) } }
    func append(bytes: some Sequence<UInt8>) { state.withLock { $0.stream.append(contentsOf: bytes) } }
    func markClosed() { state.withLock { $0.closed = true } }
    func noteLocalAddress(_ address: SocketAddress?) { state.withLock { $0.localAddress = address } }
    func record(_ error: any Error) { state.withLock { $0.errors.append("\(error)") } }

    var datagrams: [Datagram] { state.withLock { $0.datagrams } }
    var stream: [UInt8] { state.withLock { $0.stream } }
    var isClosed: Bool { state.withLock { $0.closed } }
    var errors: [String] { state.withLock { $0.errors } }
    var localAddress: SocketAddress? { state.withLock { $0.localAddress } }
}

private final class DatagramCollector: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let inbox: ClientInbox

    init(inbox: ClientInbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        inbox.append(.init(source: envelope.remoteAddress, bytes: Array(envelope.data.readableBytesView)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable after the server stopped, and the like: noted, socket kept.
        inbox.record(error)
    }
}

private final class StreamCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let inbox: ClientInbox

    init(inbox: ClientInbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.append(bytes: unwrapInboundIn(data).readableBytesView)
    }

    /// Noted here: a connection the server closes at once forgets its address before the
    /// connect future's callbacks run.
    func channelActive(context: ChannelHandlerContext) {
        inbox.noteLocalAddress(context.channel.localAddress)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.markClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        inbox.record(error)
        context.close(promise: nil)
    }
}

/// The test certificate as the only trust root: the server's certificate is fully verified
/// (SAN 127.0.0.1 and ::1, checked against the connected address).
enum TestTLS {
    static let certificatePath = Fixtures.url("tls/test-only.cert.pem").path
    static let privateKeyPath = Fixtures.url("tls/test-only.key.pem").path

    private static let client: Result<NIOSSLContext, any Error> = Result {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificatePath))
        configuration.certificateVerification = .fullVerification
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }

    static func clientContext() throws -> NIOSSLContext { try client.get() }
}

/// A UDP socket on a loopback address.
final class UDPTestClient: Sendable {
    let channel: any Channel
    let inbox: ClientInbox

    private init(channel: any Channel, inbox: ClientInbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Binds to `host` (any 127.0.0.0/8 address, or ::1) on a free port.
    static func bind(host: String = "127.0.0.1") async throws -> UDPTestClient {
        let inbox = ClientInbox()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramCollector(inbox: inbox))
                }
            }
            .bind(host: host, port: 0).get()
        return UDPTestClient(channel: channel, inbox: inbox)
    }

    var localAddress: SocketAddress { channel.localAddress! }
    var port: Int { localAddress.port ?? 0 }
    var ip: String { localAddress.ipAddress ?? "" }

    func send(_ bytes: [UInt8], to destination: SocketAddress) async throws {
        precondition(destination.isLoopback, "tests send to loopback addresses only")
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: ByteBuffer(bytes: bytes)))
    }

    func send(_ text: String, to destination: SocketAddress) async throws {
        try await send(Array(text.utf8), to: destination)
    }

    /// How many datagrams have arrived so far (a mark for `arrivals(since:)`).
    var mark: Int { inbox.datagrams.count }

    /// Datagrams that arrived after `mark`.
    func arrivals(since mark: Int) -> [ClientInbox.Datagram] { Array(inbox.datagrams.dropFirst(mark)) }

    /// Every datagram so far that parses as a SIP message.
    var messages: [TestMessage] { inbox.datagrams.compactMap { TestMessage.parse(datagram: $0.bytes) } }

    /// Waits until `count` messages have arrived and returns them (also when the wait times
    /// out, so that the caller's expectation reports what did arrive).
    func waitForMessages(count: Int, timeout: Duration = Wait.answer) async -> [TestMessage] {
        await poll(timeout: timeout) { () -> [TestMessage]? in
            let messages = self.messages
            return messages.count >= count ? messages : nil
        } ?? messages
    }

    /// The first response with this Call-ID (and CSeq method).
    func response(callID: String, method: String? = nil, timeout: Duration = Wait.answer) async -> TestMessage? {
        await poll(timeout: timeout) {
            self.messages.first { $0.statusCode != nil && $0.callID == callID && (method == nil || $0.cseqMethod == method) }
        }
    }

    /// Sends a clean OPTIONS to the server and waits for its answer: everything that arrived
    /// since `mark` and before that answer was sent in answer to what this socket sent
    /// earlier. The server reads one source's datagrams in order on one socket and answers
    /// in order, so nothing sent before can be answered after it. Nil if the OPTIONS was not
    /// answered.
    func arrivalsBeforeSentinel(since mark: Int, server: SocketAddress) async throws -> [ClientInbox.Datagram]? {
        let sentinel = TestRequest(method: "OPTIONS", host: server.ipAddress!, transport: .udp)
        try await send(sentinel.bytes, to: server)
        return await poll(timeout: Wait.answer) { () -> [ClientInbox.Datagram]? in
            let arrived = self.arrivals(since: mark)
            guard let index = arrived.firstIndex(where: { TestMessage.parse(datagram: $0.bytes)?.callID == sentinel.callID }) else {
                return nil
            }
            return Array(arrived[..<index])
        }
    }

    func close() async {
        try? await channel.close()
    }
}

/// A TCP or TLS connection to the server.
final class StreamTestClient: Sendable {
    let channel: any Channel
    let inbox: ClientInbox

    private init(channel: any Channel, inbox: ClientInbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// The local address once connected (kept after the close).
    var localAddress: SocketAddress? { inbox.localAddress }

    /// Connects to `address`, from `localHost` when given (any 127.0.0.0/8 address); TLS
    /// verifies the server's certificate against the test certificate.
    static func connect(to address: SocketAddress, tls: Bool = false, from localHost: String? = nil) async throws -> StreamTestClient {
        precondition(address.isLoopback, "tests connect to loopback addresses only")
        let inbox = ClientInbox()
        let context = tls ? try TestTLS.clientContext() : nil
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(StreamCollector(inbox: inbox))
                }
            }
        if let localHost {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: localHost, port: 0))
        }
        let channel = try await bootstrap.connect(to: address).get()
        return StreamTestClient(channel: channel, inbox: inbox)
    }

    var port: Int { localAddress?.port ?? 0 }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Shuts down the sending side (TCP FIN), keeps reading.
    func closeOutput() async throws {
        try await channel.close(mode: .output)
    }

    /// Whether the connection is closed (by the server, or after an error).
    var isClosed: Bool { inbox.isClosed }

    /// Waits for the connection to close; false if it is still open after `timeout`.
    func waitForClose(timeout: Duration = Wait.answer) async -> Bool {
        await poll(timeout: timeout) { self.inbox.isClosed ? true : nil } ?? false
    }

    /// Raw bytes read so far.
    var received: [UInt8] { inbox.stream }

    /// Complete messages read so far.
    var messages: [TestMessage] { TestMessage.frames(from: inbox.stream).messages }

    func waitForMessages(count: Int, timeout: Duration = Wait.answer) async -> [TestMessage] {
        await poll(timeout: timeout) { () -> [TestMessage]? in
            let messages = self.messages
            return messages.count >= count ? messages : nil
        } ?? messages
    }

    /// The first response with this Call-ID (and CSeq method).
    func response(callID: String, method: String? = nil, timeout: Duration = Wait.answer) async -> TestMessage? {
        await poll(timeout: timeout) {
            self.messages.first { $0.statusCode != nil && $0.callID == callID && (method == nil || $0.cseqMethod == method) }
        }
    }

    /// Sends `request` and waits for its answer.
    func exchange(_ request: TestRequest, timeout: Duration = Wait.answer) async throws -> TestMessage? {
        try await send(request.bytes)
        return await response(callID: request.callID, method: request.cseqMethod, timeout: timeout)
    }

    func close() async {
        try? await channel.close()
    }
}
