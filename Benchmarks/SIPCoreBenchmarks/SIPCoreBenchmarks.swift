import Benchmark
import NIOCore
import SIPCore

// Each benchmark parses a ByteBuffer built once, outside the measured loop. One benchmark
// iteration runs `scaledIterations` (1,000) parses, so wall clock and malloc figures are
// reported per 1,000 parses (the "K" column) and throughput in parses per second.
//
// Run: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
// See docs/performance.md.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    let register = ByteBuffer(string: SampleMessages.register)
    let invite = ByteBuffer(string: SampleMessages.invite)

    Benchmark("REGISTER parse (lazy)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SIPMessage(parsing: register))
        }
    }

    Benchmark("REGISTER parse + hot headers") { benchmark in
        for _ in benchmark.scaledIterations {
            var message = try SIPMessage(parsing: register)
            blackHole(try message.via())
            blackHole(try message.from())
            blackHole(try message.to())
            blackHole(try message.callID())
            blackHole(try message.cseq())
            blackHole(try message.contacts())
            blackHole(try message.maxForwards())
            blackHole(try message.expires())
            blackHole(message)
        }
    }

    Benchmark("INVITE+SDP parse (lazy)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SIPMessage(parsing: invite))
        }
    }

    Benchmark("INVITE+SDP parse + hot headers") { benchmark in
        for _ in benchmark.scaledIterations {
            var message = try SIPMessage(parsing: invite)
            blackHole(try message.via())
            blackHole(try message.from())
            blackHole(try message.to())
            blackHole(try message.callID())
            blackHole(try message.cseq())
            blackHole(try message.contacts())
            blackHole(try message.maxForwards())
            blackHole(try message.expires())
            blackHole(try message.requestURI())
            blackHole(try message.contentType())
            blackHole(try message.proxyAuthorizations())
            blackHole(message)
        }
    }

    Benchmark("REGISTER full validate()") { benchmark in
        for _ in benchmark.scaledIterations {
            var message = try SIPMessage(parsing: register)
            try message.validate()
            blackHole(message)
        }
    }
}
