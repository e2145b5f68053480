public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore

/// The request context of the HTTP app: Hummingbird's core storage, the WebSocket handler
/// slot (for the event channel's upgrade), and the peer's address (for the allowed
/// networks, the Guard's jails and the action log).
public struct ConsoleRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The peer's address as text (`192.0.2.1`, `::1`), "" when unknown.
    public var peerIP: String { remoteAddress?.ipAddress ?? "" }
}
