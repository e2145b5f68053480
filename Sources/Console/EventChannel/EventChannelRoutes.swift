import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The live event channel: `GET /api/v1/events` as Server-Sent Events (one `event:` and
/// `data:` per event), and `GET /api/v1/events/ws` upgraded to a WebSocket (one text
/// message per event). Both take `?types=call,guard` to filter, both send a keep-alive
/// when idle (an SSE comment, a WebSocket ping), and both need an API key from an allowed
/// network (`EventChannelAccess`).
enum EventChannelRoutes {
    static let ssePath: RouterPath = "/api/v1/events"
    static let webSocketPath: RouterPath = "/api/v1/events/ws"

    static func add(to router: Router<ConsoleRequestContext>, dependencies: ConsoleDependencies) {
        let access = EventChannelAccess(dependencies: dependencies)
        router.get(ssePath) { request, context -> Response in
            let key = try access.authorize(request, context: context)
            let filter = try EventChannelAccess.filter(request)
            dependencies.logger.info("event stream opened", metadata: ["by": "\(key)", "source": "\(context.peerIP)", "kind": "sse"])
            let stream = merged(dependencies.hub.subscribe(filter: filter), keepAlive: dependencies.keepAlive)
            var headers: HTTPFields = [:]
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-store"
            headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": sipwarden event stream\n\n"))
                for await item in stream {
                    switch item {
                    case .event(let event):
                        try await writer.write(ByteBuffer(string: "event: \(event.type)\ndata: \(event.json)\n\n"))
                    case .keepAlive:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                }
                try await writer.finish(nil)
            })
        }
    }

    static func add(toWebSocket router: Router<ConsoleRequestContext>, dependencies: ConsoleDependencies) {
        let access = EventChannelAccess(dependencies: dependencies)
        router.ws(webSocketPath) { request, context in
            _ = try access.authorize(request, context: context)
            _ = try EventChannelAccess.filter(request)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let filter = (try? EventChannelAccess.filter(context.request)) ?? nil
            dependencies.logger.info("event stream opened", metadata: ["source": "\(context.requestContext.peerIP)", "kind": "websocket"])
            let stream = merged(dependencies.hub.subscribe(filter: filter), keepAlive: dependencies.keepAlive)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await item in stream {
                        switch item {
                        case .event(let event): try await outbound.write(.text(event.json))
                        case .keepAlive: try await outbound.write(.custom(.init(fin: true, opcode: .ping, data: ByteBuffer())))
                        }
                    }
                }
                group.addTask {
                    // The client says nothing the server needs; reading notices its close.
                    for try await _ in inbound {}
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    enum Item: Sendable {
        case event(ServerEvent)
        case keepAlive
    }

    /// The subscription with a keep-alive whenever `keepAlive` passes without an event.
    static func merged(_ events: AsyncStream<ServerEvent>, keepAlive: Duration) -> AsyncStream<Item> {
        let (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingNewest(EventHub.bufferSize))
        let forward = Task {
            for await event in events { continuation.yield(.event(event)) }
            continuation.finish()
        }
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: keepAlive)
                if Task.isCancelled { break }
                continuation.yield(.keepAlive)
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            beat.cancel()
        }
        return stream
    }
}
