public import Foundation

/// Runs a built product of this package (the `sipwarden` binary) and captures its output.
public enum ProcessRunner {
    public struct Outcome: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
        /// Lines of standard output.
        public var lines: [String] { standardOutput.split(separator: "\n").map(String.init) }
    }

    public enum RunError: Error, CustomStringConvertible {
        case productNotFound(String)
        case timedOut(seconds: Double)

        public var description: String {
            switch self {
            case .productNotFound(let name): return "built product \(name) not found next to the test bundle"
            case .timedOut(let seconds): return "process did not finish within \(seconds) s"
            }
        }
    }

    /// The directory holding the built products (next to the test bundle).
    public static func productsDirectory() -> URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while url.pathExtension == "xctest" || url.lastPathComponent == "MacOS" || url.lastPathComponent == "Contents" {
            url.deleteLastPathComponent()
        }
        return url
    }

    public static func product(_ name: String) throws -> URL {
        let url = productsDirectory().appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else { throw RunError.productNotFound(name) }
        return url
    }

    /// Runs `executable` with `arguments`, with `input` on its standard input (nil: none, as
    /// from /dev/null); kills it and throws if it runs longer than `timeout` seconds (a hang
    /// is a failure, not a wait).
    public static func run(_ executable: URL, _ arguments: [String], input: String? = nil, timeout: Double = 120) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        try process.run()
        if let inputPipe, let input {
            // A process that exits without reading (a usage error) closes the pipe: the
            // write must fail with EPIPE, not kill the test runner with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            // Written from another thread and then closed, so that a process that reads only
            // part of it cannot block this one, and one that reads to the end sees the end.
            let writer = inputPipe.fileHandleForWriting
            DispatchQueue.global().async {
                try? writer.write(contentsOf: Data(input.utf8))
                try? writer.close()
            }
        }
        // Drain the pipes while the process runs, so a large output cannot block it.
        let outputData = ReadBox()
        let errorData = ReadBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            outputData.set(output.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errorData.set(error.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw RunError.timedOut(seconds: timeout)
        }
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData.get(), as: UTF8.self),
            standardError: String(decoding: errorData.get(), as: UTF8.self))
    }
}

private final class ReadBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ data: Data) { lock.withLock { self.data = data } }
    func get() -> Data { lock.withLock { data } }
}
