public import Foundation

/// A `sipwarden serve` (or other long-running) process under test: started, watched through
/// its standard error, signalled, and always reaped.
public final class ServerProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var errorText = ""
    private let errorPipe = Pipe()

    /// Unless `environment` sets `SIPWARDEN_CONSOLE_LISTEN`, the HTTP listener gets a port of
    /// its own (`127.0.0.1:0`), so that servers of tests running at once never compete for
    /// the default 8080.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        var environment = environment ?? ProcessInfo.processInfo.environment
        if environment["SIPWARDEN_CONSOLE_LISTEN"] == nil { environment["SIPWARDEN_CONSOLE_LISTEN"] = "127.0.0.1:0" }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.errorText += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        errorPipe.fileHandleForReading.readabilityHandler = nil
    }

    /// Everything written to standard error so far.
    public var standardError: String { lock.withLock { errorText } }

    public var isRunning: Bool { process.isRunning }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` and waits (bounded) for the exit; returns the status, or nil if the
    /// process had to be killed.
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 20) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Waits (bounded) for the process to exit by itself.
    public func waitForExit(timeout: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }
}
