import Benchmark
import Foundation
import Guard
import SecurityEvents

// The Guard's two hot paths: the engine's decision per security event, and the ingress
// filter's check per packet. One benchmark iteration runs `scaledIterations` (1,000)
// operations; throughput is per second on one core.
//
// Run: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --target GuardBenchmarks
// See docs/performance.md ("The Guard").

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    // Events from 10,000 sources in turn, each a wrong password: every source stays under
    // sip-auth's threshold for four rounds and is banned on the fifth, so the mix holds
    // counting, banning (one in five events per source cycle) and the already-banned path.
    let events = (0..<10_000).map { index in
        SecurityEvent(
            kind: .authFailure, time: Date(timeIntervalSince1970: 1_790_000_000),
            source: SecuritySource(transport: "udp", ip: "10.\(index / 65_536).\(index / 256 % 256).\(index % 256)", port: 5060),
            username: "1001", reason: "wrong credentials",
            packet: PacketSummary(method: "REGISTER", requestURI: "sip:example.com", from: "<sip:1001@example.com>;tag=a", to: "<sip:1001@example.com>", callID: "c\(index)"))
    }

    Benchmark("Guard: decisions (wrong passwords, 10,000 sources)") { benchmark in
        var engine = GuardEngine(configuration: GuardConfiguration())
        var index = 0
        var now = Date(timeIntervalSince1970: 1_790_000_000)
        for _ in benchmark.scaledIterations {
            blackHole(engine.record(events[index], now: now))
            index += 1
            if index == events.count {
                index = 0
                now += 1
            }
        }
    }

    // 100,000 active bans: 90,000 IPv4 addresses and 10,000 IPv6 /64s.
    let filter = IngressFilter()
    var banned: [AddressKey] = []
    var networks: [GuardNetwork] = []
    for index in 0..<90_000 {
        let key = AddressKey(ipv4: 0xC000_0000 | UInt32(index))
        banned.append(key)
        networks.append(GuardNetwork(offender: key, ipv6PrefixLength: 64))
    }
    for index in 0..<10_000 {
        let key = AddressKey(high: 0x2001_0DB8_0000_0000 | UInt64(index), low: 0x1)
        banned.append(key)
        networks.append(GuardNetwork(offender: key, ipv6PrefixLength: 64))
    }
    filter.replaceBans(networks)
    let clean = (0..<1_000).map { AddressKey(ipv4: 0x0A00_0000 | UInt32($0)) }
    let nanosecond = UInt64(1_000_000_000)

    Benchmark("Guard: ingress check, banned source (100,000 bans)") { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            blackHole(filter.check(banned[index], transport: "udp", now: nanosecond))
            index = index &+ 7_919
            if index >= banned.count { index -= banned.count }
        }
    }

    Benchmark("Guard: ingress check, clean source (100,000 bans, flood meter)") { benchmark in
        var index = 0
        var now = nanosecond
        for _ in benchmark.scaledIterations {
            // 1,000 sources, each well under 30 requests per 2 s window.
            blackHole(filter.check(clean[index], transport: "udp", now: now))
            index += 1
            if index == clean.count {
                index = 0
                now += 500_000_000
            }
        }
    }
}
