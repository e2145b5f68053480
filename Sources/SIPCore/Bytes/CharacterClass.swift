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

    static let table: [UInt16] = {
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
    }()

    @inline(__always)
    static func test(_ byte: UInt8, _ flags: UInt16) -> Bool {
        table[Int(byte)] & flags != 0
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
}
