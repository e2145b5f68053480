// swift-tools-version: 6.1
import PackageDescription

/// A libFuzzer harness for SIPCore, kept out of the main package so that the main build
/// never sees the sanitizer flags. Build it with `./run.sh` (or see README.md): the
/// `-sanitize=fuzzer,address` flags are passed with `-Xswiftc` so that SIPCore itself is
/// instrumented for coverage, not just this harness.
let package = Package(
    name: "sipwarden-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "sipwarden", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // `SIPCoreFuzzer_main`, which SwiftPM's link line aliases `main` to: libFuzzer's driver.
        .target(name: "FuzzerEntryPoint"),
        .executableTarget(
            name: "SIPCoreFuzzer",
            dependencies: [
                .product(name: "SIPCore", package: "sipwarden"),
                .product(name: "NIOCore", package: "swift-nio"),
                "FuzzerEntryPoint",
            ],
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        )
    ]
)
