// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its directory: the checkout's directory name,
/// whatever it is.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// The SIPCore and Guard benchmarks, kept out of the main package so that its CI never builds the
/// benchmark tool. Run with:
///     cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
/// See docs/performance.md.
let package = Package(
    name: "SIPWardenBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // MallocInterposer only: the RuntimeInterposer trait's dependency is not available on
        // every build machine.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "SIPCoreBenchmarks",
            dependencies: [
                .product(name: "SIPCore", package: root),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "SIPCoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GuardBenchmarks",
            dependencies: [
                .product(name: "Guard", package: root),
                .product(name: "SecurityEvents", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "GuardBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The same bodies in a plain loop, for callgrind (bench/parser-instructions.sh).
        .executableTarget(
            name: "SIPCoreProfile",
            dependencies: [
                .product(name: "SIPCore", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "SIPCoreProfile"
        ),
    ]
)
