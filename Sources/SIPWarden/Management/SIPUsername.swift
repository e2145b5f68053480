/// The username of a device: the user part of its SIP URI and the `username` of its digest
/// credentials, so it must be a valid RFC 3261 §25.1 `user`:
///
///     user            = 1*( unreserved / escaped / user-unreserved )
///     unreserved      = alphanum / mark
///     mark            = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
///     escaped         = "%" HEXDIG HEXDIG
///     user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
public enum SIPUsername {
    /// Longer names are refused: nothing needs them, and every one goes into logs and tables.
    public static let maximumLength = 64

    static let allowedPunctuation: Set<Unicode.Scalar> = Set("-_.!~*'()&=+$,;?/".unicodeScalars)

    /// Why `text` cannot be a username, or nil when it can.
    public static func problem(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty { return "the username is empty" }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "%" {
                guard index + 2 < scalars.count, isHex(scalars[index + 1]), isHex(scalars[index + 2]) else {
                    return "the username has a \"%\" not followed by two hex digits (RFC 3261 §25.1 escaped)"
                }
                index += 3
                continue
            }
            guard (scalar.isASCII && scalar.properties.isAlphabetic) || ("0"..."9").contains(scalar)
                    || allowedPunctuation.contains(scalar)
            else {
                return "the username contains \(quoted(scalar)), which a SIP user part cannot (RFC 3261 §25.1)"
            }
            index += 1
        }
        if scalars.count > maximumLength {
            return "the username has \(scalars.count) characters; at most \(maximumLength) are allowed"
        }
        return nil
    }

    static func isHex(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("A"..."F").contains(scalar) || ("a"..."f").contains(scalar)
    }

    /// A character for an error message: quoted when printable, as U+XXXX when not (it may
    /// be a control character of a pasted name).
    static func quoted(_ scalar: Unicode.Scalar) -> String {
        if PrintableText.isPrintable(scalar), scalar != " " { return "\"\(scalar)\"" }
        return "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
