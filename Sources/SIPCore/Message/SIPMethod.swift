import NIOCore

/// A request method. Method names are case-sensitive (RFC 3261 §7.1): `invite` is an
/// extension method, not INVITE. `.other` never holds a known name, so the synthesised
/// equality is exact.
public enum SIPMethod: Sendable, Hashable, CustomStringConvertible {
    case invite, ack, bye, cancel, register, options, info, prack, subscribe, notify, update
    case message, refer, publish
    /// Any other token (RFC 3261 §25.1 extension-method).
    case other(SIPString)

    /// The method's name as sent on the wire.
    public var name: String {
        switch self {
        case .invite: return "INVITE"
        case .ack: return "ACK"
        case .bye: return "BYE"
        case .cancel: return "CANCEL"
        case .register: return "REGISTER"
        case .options: return "OPTIONS"
        case .info: return "INFO"
        case .prack: return "PRACK"
        case .subscribe: return "SUBSCRIBE"
        case .notify: return "NOTIFY"
        case .update: return "UPDATE"
        case .message: return "MESSAGE"
        case .refer: return "REFER"
        case .publish: return "PUBLISH"
        case .other(let token): return token.string
        }
    }

    public var description: String { name }

    /// The methods this build recognises by name.
    public static let known: [SIPMethod] = [
        .invite, .ack, .bye, .cancel, .register, .options, .info, .prack, .subscribe, .notify,
        .update, .message, .refer, .publish,
    ]

    /// Parses a method name; nil unless it is a non-empty token.
    public init?(_ name: String) {
        guard !name.isEmpty, name.utf8.allSatisfy(\.isSIPToken) else { return nil }
        var utf8 = name
        let known = utf8.withUTF8 { Self.classify(UnsafeRawBufferPointer($0), 0..<$0.count) }
        self = known ?? .other(SIPString(name))
    }

    /// The known method spelled exactly by `bytes[range]`, or nil.
    static func classify(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> SIPMethod? {
        @inline(__always) func equals(_ literal: StaticString) -> Bool {
            guard literal.utf8CodeUnitCount == range.count else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<range.count where bytes[range.lowerBound + offset] != pointer[offset] {
                return false
            }
            return true
        }
        guard let first = range.first.map({ bytes[$0] }) else { return nil }
        switch first {
        case UInt8(ascii: "I"):
            if equals("INVITE") { return .invite }
            if equals("INFO") { return .info }
        case UInt8(ascii: "A"): if equals("ACK") { return .ack }
        case UInt8(ascii: "B"): if equals("BYE") { return .bye }
        case UInt8(ascii: "C"): if equals("CANCEL") { return .cancel }
        case UInt8(ascii: "R"):
            if equals("REGISTER") { return .register }
            if equals("REFER") { return .refer }
        case UInt8(ascii: "O"): if equals("OPTIONS") { return .options }
        case UInt8(ascii: "P"):
            if equals("PRACK") { return .prack }
            if equals("PUBLISH") { return .publish }
        case UInt8(ascii: "S"): if equals("SUBSCRIBE") { return .subscribe }
        case UInt8(ascii: "N"): if equals("NOTIFY") { return .notify }
        case UInt8(ascii: "U"): if equals("UPDATE") { return .update }
        case UInt8(ascii: "M"): if equals("MESSAGE") { return .message }
        default: break
        }
        return nil
    }

    /// The method in `bytes[range]` (token characters), sharing `base` for extension methods.
    static func make(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, base: ByteBuffer) -> SIPMethod {
        classify(bytes, range) ?? .other(base.sipString(range))
    }
}

extension SIPMethod {
    /// The name as bytes; the standard names are built once and shared.
    var nameSIPString: SIPString {
        switch self {
        case .invite: return Self.names[0]
        case .ack: return Self.names[1]
        case .bye: return Self.names[2]
        case .cancel: return Self.names[3]
        case .register: return Self.names[4]
        case .options: return Self.names[5]
        case .info: return Self.names[6]
        case .prack: return Self.names[7]
        case .subscribe: return Self.names[8]
        case .notify: return Self.names[9]
        case .update: return Self.names[10]
        case .message: return Self.names[11]
        case .refer: return Self.names[12]
        case .publish: return Self.names[13]
        case .other(let token): return token
        }
    }

    private static let names: [SIPString] = [
        SIPMethod.invite, .ack, .bye, .cancel, .register, .options, .info, .prack, .subscribe, .notify, .update,
        .message, .refer, .publish,
    ].map { SIPString($0.name) }
}
