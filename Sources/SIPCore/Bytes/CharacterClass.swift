/// Character classes of the RFC 3261 §25.1 grammar, looked up in one table.
///
/// One 256-entry table of bit flags keeps every class test to a load and a mask, with no
/// branches on the byte value, which matters on the per-byte loops of the parser.
enum CharacterClass {
    static let alpha: UInt16 = 1 << 0
    static let digit: UInt16 = 1 << 1
    static let hex: UInt16 = 1 << 2
    /// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    static let token: UInt16 = 1 << 3
    /// unreserved = alphanum / mark, mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
    static let unreserved: UInt16 = 1 << 4
    /// user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
    static let userUnreserved: UInt16 = 1 << 5
    /// password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
    static let passwordExtra: UInt16 = 1 << 6
    /// param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$"
    static let paramUnreserved: UInt16 = 1 << 7
    /// hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$"
    static let hnvUnreserved: UInt16 = 1 << 8
    /// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
    ///        "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
    static let word: UInt16 = 1 << 9
    /// reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / ","
    static let reserved: UInt16 = 1 << 10
    /// SP / HTAB
    static let whitespace: UInt16 = 1 << 11
    /// %x00-1F / %x7F (control characters)
    static let control: UInt16 = 1 << 12

    /// The flags of every byte, written out so that the table is a static constant: a table
    /// built by a closure would be initialised lazily, with a `swift_once` check on every
    /// lookup. `CharacterClassTests` rebuilds it from the definitions above and compares.
    static let table: [UInt16] = [
        0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000,  // 0x00
        0x1000, 0x1800, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000,  // 0x08
        0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000,  // 0x10
        0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000,  // 0x18
        0x0800, 0x0218, 0x0200, 0x0000, 0x05E0, 0x0208, 0x04E0, 0x0218,  // 0x20
        0x0210, 0x0210, 0x0218, 0x07E8, 0x0460, 0x0218, 0x0218, 0x07A0,  // 0x28
        0x021E, 0x021E, 0x021E, 0x021E, 0x021E, 0x021E, 0x021E, 0x021E,  // 0x30
        0x021E, 0x021E, 0x0780, 0x0420, 0x0200, 0x0460, 0x0200, 0x0720,  // 0x38
        0x0400, 0x021D, 0x021D, 0x021D, 0x021D, 0x021D, 0x021D, 0x0219,  // 0x40
        0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219,  // 0x48
        0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219,  // 0x50
        0x0219, 0x0219, 0x0219, 0x0380, 0x0200, 0x0380, 0x0000, 0x0218,  // 0x58
        0x0208, 0x021D, 0x021D, 0x021D, 0x021D, 0x021D, 0x021D, 0x0219,  // 0x60
        0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219,  // 0x68
        0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219, 0x0219,  // 0x70
        0x0219, 0x0219, 0x0219, 0x0200, 0x0000, 0x0200, 0x0218, 0x1000,  // 0x78
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x80
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x88
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x90
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x98
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xA0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xA8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xB0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xB8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xC0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xC8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xD0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xD8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xE0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xE8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xF0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xF8
    ]

    /// The table built from the class definitions (for the test that checks the literal).
    static func computeTable() -> [UInt16] {
        var table = [UInt16](repeating: 0, count: 256)
        func mark(_ characters: String, _ flag: UInt16) {
            for byte in characters.utf8 { table[Int(byte)] |= flag }
        }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] |= alpha }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] |= alpha }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] |= digit | hex }
        mark("abcdefABCDEF", hex)
        for index in 0..<256 where table[index] & (alpha | digit) != 0 {
            table[index] |= token | unreserved | word
        }
        mark("-.!%*_+`'~", token)
        mark("-_.!~*'()", unreserved)
        mark("&=+$,;?/", userUnreserved)
        mark("&=+$,", passwordExtra)
        mark("[]/:&+$", paramUnreserved)
        mark("[]/?:+$", hnvUnreserved)
        mark("-.!%*_+`'~()<>:\\\"/[]?{}", word)
        mark(";/?:@&=+$,", reserved)
        mark(" \t", whitespace)
        for byte in 0..<0x20 { table[byte] |= control }
        table[0x7F] |= control
        return table
    }

    @inline(__always)
    static func test(_ byte: UInt8, _ flags: UInt16) -> Bool {
        table.withUnsafeBufferPointer { $0[Int(byte)] } & flags != 0
    }
}

extension UInt8 {
    @inline(__always) var isSIPToken: Bool { CharacterClass.test(self, CharacterClass.token) }
    @inline(__always) var isSIPDigit: Bool { self &- UInt8(ascii: "0") < 10 }
    @inline(__always) var isSIPAlpha: Bool { CharacterClass.test(self, CharacterClass.alpha) }
    @inline(__always) var isSIPAlphanumeric: Bool {
        CharacterClass.test(self, CharacterClass.alpha | CharacterClass.digit)
    }
    @inline(__always) var isSIPHex: Bool { CharacterClass.test(self, CharacterClass.hex) }
    @inline(__always) var isSIPWhitespace: Bool { self == 0x20 || self == 0x09 }
    @inline(__always) var isSIPControl: Bool { CharacterClass.test(self, CharacterClass.control) }
    /// Bytes that end a header value's words: SP, HTAB and the CR/LF of a folded line.
    @inline(__always) var isSIPLinearWhitespace: Bool {
        self == 0x20 || self == 0x09 || self == 0x0D || self == 0x0A
    }
    /// ASCII lower-casing; other bytes are returned unchanged.
    @inline(__always) var asciiLowercased: UInt8 {
        self &- UInt8(ascii: "A") < 26 ? self | 0x20 : self
    }
    /// The value of a hexadecimal digit, or nil.
    @inline(__always) var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return self - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Named ASCII bytes used by the grammar, so that parser code reads like the ABNF.
enum ASCII {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let comma = UInt8(ascii: ",")
    static let equals = UInt8(ascii: "=")
    static let slash = UInt8(ascii: "/")
    static let at = UInt8(ascii: "@")
    static let question = UInt8(ascii: "?")
    static let ampersand = UInt8(ascii: "&")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let percent = UInt8(ascii: "%")
    static let period = UInt8(ascii: ".")
    static let star = UInt8(ascii: "*")
    static let plus = UInt8(ascii: "+")
    static let minus = UInt8(ascii: "-")
    static let nul: UInt8 = 0
    static let zero = UInt8(ascii: "0")
}
