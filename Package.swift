// swift-tools-version: 6.1
import PackageDescription

/// SIPWarden: a SIP registrar, stateful proxy and softswitch with intrusion prevention.
///
/// Targets follow the layering in docs/architecture.md: dependencies point down only.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]
/// The tests are built unoptimised even in a release build (`swift test -c release`, CI's one
/// build): the code they test is optimised as it ships, and optimising the tests themselves
/// would only cost build time.
let testSettings: [SwiftSetting] = strictSettings + [.unsafeFlags(["-Onone"], .when(configuration: .release))]

let package = Package(
    name: "sipwarden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sipwarden", targets: ["sipwarden"]),
        .library(name: "SIPCore", targets: ["SIPCore"]),
        // For the benchmark package (Benchmarks/).
        .library(name: "Guard", targets: ["Guard"]),
        .library(name: "SecurityEvents", targets: ["SecurityEvents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/jpsim/Yams.git", "5.4.0"..<"7.0.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        // The SIP message layer: bytes in, messages out; no I/O, no clock.
        .target(
            name: "SIPCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The database: one GRDB AppDatabase (SQLite, WAL), named migrations, repositories.
        .target(
            name: "Storage",
            dependencies: ["UnixTime", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // Wall-clock time as the parts pass it: Unix milliseconds, the one set of conversions
        // to and from `Date` and saturating arithmetic on them.
        .target(
            name: "UnixTime",
            dependencies: [],
            swiftSettings: strictSettings
        ),
        // What security-relevant things happened, as typed values: the registrar and caller
        // identification emit them, the intrusion-prevention engine consumes them; with the
        // address types they carry (`IPAddress`, the one address parser, and `IPNetwork`).
        .target(
            name: "SecurityEvents",
            dependencies: [],
            swiftSettings: strictSettings
        ),
        // A reader for MaxMind DB files (`.mmdb`: GeoLite2-Country, DB-IP lite): the country of
        // an address, for the Guard's country rules. No dependencies, no I/O beyond the bytes
        // it is given.
        .target(
            name: "GeoIP",
            dependencies: [],
            swiftSettings: strictSettings
        ),
        // Intrusion prevention: jails over security events, the ban table the ingress gate
        // consults, allow-lists, scanner fingerprints, per-device lockouts; pure logic with
        // time passed in (its executor lives in the composition root).
        .target(
            name: "Guard",
            dependencies: ["SIPCore", "SecurityEvents", "GeoIP", "UnixTime"],
            swiftSettings: strictSettings
        ),
        // The registrar's bindings (RFC 3261 §10.3) and the outbound registration client; pure
        // logic with time passed in.
        .target(
            name: "Registrar",
            dependencies: ["SIPCore", "SecurityEvents", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        // RFC 3261 §17 transactions: state machines driven by events and an injected clock.
        .target(
            name: "SIPTransaction",
            dependencies: ["SIPCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        // UDP, TCP and TLS listeners: thin NIO handlers, the connection table, the ingress gate.
        .target(
            name: "SIPTransport",
            dependencies: [
                "SIPCore", "SecurityEvents",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // What the server does with a request: what it answers itself (RFC 3261 §8.2, §16.3),
        // the registrar and caller identification with their digest challenges, the dial plan
        // and call admission, and the stateful proxy with each call's dialog state.
        .target(
            name: "Switch",
            dependencies: [
                "SIPCore", "SIPTransaction", "SIPTransport", "Registrar", "SecurityEvents", "Guard", "UnixTime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Toll-fraud monitors: exact sliding-window counters per account, device and switch
        // over facts about calls, thresholds with their actions, duplicate-alert suppression;
        // pure logic with time passed in (no I/O, no clock, no logging). The server derives
        // the facts from live calls and stored call records and carries out the actions.
        .target(
            name: "Fraud",
            dependencies: ["UnixTime"],
            swiftSettings: strictSettings
        ),
        // The HTTP side of the server, on its own listener: the live event channel
        // (WebSocket and Server-Sent Events) with its API-key and network checks, the metrics
        // route, the connection gate, problem answers and the SVG charts and QR codes the
        // console's pages draw. Built by `buildApplication`, which tests share.
        .target(
            name: "Console",
            dependencies: [
                "Storage", "SecurityEvents",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        // The composition root: what the command line calls into.
        .target(
            name: "SIPWarden",
            dependencies: [
                "SIPCore", "SIPTransaction", "SIPTransport", "Switch", "Registrar", "SecurityEvents", "Storage", "Guard", "GeoIP",
                "Fraud", "Console", "UnixTime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            // The console's templates, stylesheet and script are compiled into the binary:
            // `sipwarden` stays one file to copy.
            resources: [.embedInCode("Web/Templates"), .embedInCode("Web/Static")],
            swiftSettings: strictSettings
        ),
        // The command line: argument parsing only.
        .executableTarget(
            name: "sipwarden",
            dependencies: [
                "SIPWarden",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Builders, fixtures and helpers shared by the test targets.
        .target(
            name: "SIPTestSupport",
            dependencies: ["SIPCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SIPCoreTests",
            dependencies: [
                "SIPCore", "SIPTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SIPTransactionTests",
            dependencies: [
                "SIPTransaction", "SIPCore", "SIPTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "RegistrarTests",
            dependencies: ["Registrar", "SecurityEvents", "SIPCore", "SIPTestSupport", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SwitchTests",
            dependencies: [
                "Switch", "Registrar", "SecurityEvents", "SIPCore", "SIPTransport", "SIPTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "GeoIPTests",
            dependencies: ["GeoIP", "SIPTestSupport"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "GuardTests",
            dependencies: ["Guard", "GeoIP", "SecurityEvents", "SIPCore", "SIPTestSupport", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "FraudTests",
            dependencies: ["Fraud"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SIPWardenTests",
            dependencies: [
                "SIPWarden", "SIPTestSupport", "sipwarden", "SIPTransport", "SIPTransaction", "Switch", "Storage", "SecurityEvents", "SIPCore", "Guard", "GeoIP",
                "Fraud", "Console",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
    ]
)
