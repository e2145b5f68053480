import Console
import HTTPTypes
import Hummingbird
import NIOCore

/// The stylesheet, the script and the icon, compiled in; cached by browsers for an hour.
enum StaticRoutes {
    static func add(to router: Router<ConsoleRequestContext>) {
        serve(router, "/static/app.css", PackageResources.app_css, type: "text/css; charset=utf-8")
        serve(router, "/static/app.js", PackageResources.app_js, type: "text/javascript; charset=utf-8")
        serve(router, "/favicon.svg", PackageResources.favicon_svg, type: "image/svg+xml")
        // Browsers ask for it by themselves: an answer, so that it is not a web probe.
        serve(router, "/favicon.ico", PackageResources.favicon_svg, type: "image/svg+xml")
    }

    private static func serve(_ router: Router<ConsoleRequestContext>, _ path: RouterPath, _ bytes: [UInt8], type: String) {
        router.get(path) { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
