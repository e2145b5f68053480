import HTTPTypes
public import Hummingbird
import NIOCore

/// `GET /metrics`: the server's metrics in the Prometheus text exposition format, for a
/// scraper on an allowed network (`metrics.allowed_networks`). No API key: Prometheus
/// scrapes with none by default, and the figures say how busy the server is, not who calls
/// whom. The network check is the gate, so it defaults to loopback.
public enum MetricsRoutes {
    public static let path: RouterPath = "/metrics"
    /// Version 0.0.4 of the text format, which is what the registry writes.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// - Parameters:
    ///   - allows: whether a peer address (`ConsoleRequestContext.peerIP`) may read the metrics.
    ///   - render: the metrics as the response body; called once per request.
    public static func add(
        to router: Router<ConsoleRequestContext>, allows: @escaping @Sendable (String) -> Bool, render: @escaping @Sendable () -> [UInt8]
    ) {
        router.get(path) { _, context -> Response in
            guard allows(context.peerIP) else { throw forbidden }
            var headers: HTTPFields = [:]
            headers[.contentType] = contentType
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: render())))
        }
    }

    static let forbidden = Problem(.forbidden, type: "network-not-allowed", title: "Forbidden", detail: "this address may not read the metrics")
}
