public import Logging
public import ServiceLifecycle
import UnixSignals

/// Reloads what can change without a restart when SIGHUP arrives: today the log level.
/// Listeners, limits and timers need a restart; a changed value is reported as such.
public struct ReloadService: Service {
    public typealias Reload = @Sendable () async -> Void

    let reload: Reload
    let logger: Logger

    public init(logger: Logger, reload: @escaping Reload) {
        self.logger = logger
        self.reload = reload
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.info("reload requested (SIGHUP)")
                await reload()
            }
        }
    }
}
