import SecurityEvents

/// Option values checked with messages that name the option, so that every usage error reads
/// `sipwarden <command>: --option: why`.
enum OptionValue {
    static func integer(_ text: String, option: String, in range: ClosedRange<Int>) throws(ManagementError) -> Int {
        guard let value = Int(text), text.allSatisfy(\.isASCIIDigit) || (text.first == "-" && text.dropFirst().allSatisfy(\.isASCIIDigit)) else {
            throw .usage("\(option): \"\(text)\" is not a whole number")
        }
        guard range.contains(value) else {
            throw .usage("\(option): \(value) is out of range; expected \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func choice<Choice: RawRepresentable & CaseIterable>(_ text: String, option: String) throws(ManagementError) -> Choice
    where Choice.RawValue == String {
        guard let value = Choice(rawValue: text) else {
            throw .usage("\(option): expected \(orList(Choice.allCases.map(\.rawValue))), got \"\(PrintableText.escape(text))\"")
        }
        return value
    }

    /// "a, b or c".
    static func orList(_ names: [String]) -> String {
        guard let last = names.last else { return "" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
    }

    static func amount(_ text: String, option: String, allowNegative: Bool) throws(ManagementError) -> Int64 {
        do throws(InputProblem) {
            return try MoneyAmount.micros(parsing: text, allowNegative: allowNegative)
        } catch {
            throw .usage("\(option): \(error)")
        }
    }

    /// What is wrong with a network an operator wrote, and what one looks like.
    static func networkProblem(_ text: String, _ error: IPNetwork.ParseError) -> InputProblem {
        switch error {
        case .badAddress:
            return InputProblem("\"\(text)\" is not a network; expected an address, or ADDRESS/LENGTH like 192.0.2.0/24 or 2001:db8::/32")
        case .badPrefix:
            return InputProblem("\"\(text)\": the prefix length must be a number from 0 to \(text.contains(":") ? 128 : 32)")
        }
    }

    static func networks(_ texts: [String], option: String) throws(ManagementError) -> [String] {
        var result: [String] = []
        for text in texts {
            do throws(IPNetwork.ParseError) {
                let network = try IPNetwork(parsing: text).description
                if !result.contains(network) { result.append(network) }
            } catch {
                throw .usage("\(option): \(Self.networkProblem(text, error))")
            }
        }
        return result
    }

    /// Free text that goes into a SIP header or a log line: no control characters (a CR or
    /// LF would inject a header, RFC 3261 §7.3.1) and a bounded length.
    static func headerText(_ text: String, option: String, maximumLength: Int = 128) throws(ManagementError) -> String {
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .usage("\(option): control characters are not allowed")
        }
        guard text.count <= maximumLength else {
            throw .usage("\(option): \(text.count) characters; at most \(maximumLength) are allowed")
        }
        return text
    }
}
