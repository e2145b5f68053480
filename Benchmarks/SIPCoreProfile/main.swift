import NIOCore
import SIPCore

// Runs one parser benchmark body N times, for `valgrind --tool=callgrind`, which counts
// instructions (repeatable whatever else the machine does). See bench/parser-instructions.sh.
//
//     SIPCoreProfile <lazy|hot|invite|validate> <iterations>

@inline(never) func sink<T>(_ value: T) { withExtendedLifetime(value) {} }

@inline(never) func lazyRegister(_ buffer: ByteBuffer) throws {
    sink(try SIPMessage(parsing: buffer))
}

@inline(never) func hotRegister(_ buffer: ByteBuffer) throws {
    var message = try SIPMessage(parsing: buffer)
    sink(try message.via())
    sink(try message.from())
    sink(try message.to())
    sink(try message.callID())
    sink(try message.cseq())
    sink(try message.contacts())
    sink(try message.maxForwards())
    sink(try message.expires())
    sink(message)
}

@inline(never) func hotInvite(_ buffer: ByteBuffer) throws {
    var message = try SIPMessage(parsing: buffer)
    sink(try message.via())
    sink(try message.from())
    sink(try message.to())
    sink(try message.callID())
    sink(try message.cseq())
    sink(try message.contacts())
    sink(try message.maxForwards())
    sink(try message.expires())
    sink(try message.requestURI())
    sink(try message.contentType())
    sink(try message.proxyAuthorizations())
    sink(message)
}

@inline(never) func validateRegister(_ buffer: ByteBuffer) throws {
    var message = try SIPMessage(parsing: buffer)
    try message.validate()
    sink(message)
}

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "hot"
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let register = ByteBuffer(string: SampleMessages.register)
let invite = ByteBuffer(string: SampleMessages.invite)
let clock = ContinuousClock()
let start = clock.now
for _ in 0..<iterations {
    switch mode {
    case "lazy": try lazyRegister(register)
    case "invite": try hotInvite(invite)
    case "validate": try validateRegister(register)
    default: try hotRegister(register)
    }
}
print(mode, iterations, "iterations,", (clock.now - start) / iterations, "each")
