import Foundation

/// The built-in deny list: the same entries as `config/high-risk-prefixes.txt` (a test keeps
/// them equal); an operator's edited copy of the file replaces it.
public enum HighRiskPrefixes {
    public static let defaults: [DestinationPolicy.DenyEntry] = [
        DestinationPolicy.DenyEntry(prefix: "+53", reason: "Cuba: high-cost, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+232", reason: "Sierra Leone: high-cost, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+224", reason: "Guinea: high-cost, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+231", reason: "Liberia: high-cost, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+239", reason: "Sao Tome and Principe: high-cost, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+243", reason: "DR Congo: high-cost, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+246", reason: "Diego Garcia: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+247", reason: "Ascension: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+252", reason: "Somalia: high-cost, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+290", reason: "Saint Helena: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+3719", reason: "Latvia: premium-rate numbers"),
        DestinationPolicy.DenyEntry(prefix: "+3729", reason: "Estonia: premium-rate numbers"),
        DestinationPolicy.DenyEntry(prefix: "+449", reason: "United Kingdom: premium-rate numbers"),
        DestinationPolicy.DenyEntry(prefix: "+4470", reason: "United Kingdom: personal numbers, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+672", reason: "Norfolk Island and Antarctica: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+674", reason: "Nauru: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+675", reason: "Papua New Guinea: high-cost, frequent fraud destination"),
        DestinationPolicy.DenyEntry(prefix: "+677", reason: "Solomon Islands: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+678", reason: "Vanuatu: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+682", reason: "Cook Islands: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+683", reason: "Niue: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+688", reason: "Tuvalu: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+690", reason: "Tokelau: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+691", reason: "Micronesia: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+692", reason: "Marshall Islands: high-cost remote territory"),
        DestinationPolicy.DenyEntry(prefix: "+870", reason: "Inmarsat: satellite"),
        DestinationPolicy.DenyEntry(prefix: "+881", reason: "Global Mobile Satellite System: satellite"),
        DestinationPolicy.DenyEntry(prefix: "+882", reason: "International Networks: premium and satellite services"),
        DestinationPolicy.DenyEntry(prefix: "+883", reason: "International Networks: premium services"),
        DestinationPolicy.DenyEntry(prefix: "+979", reason: "International Premium Rate Service"),
        DestinationPolicy.DenyEntry(prefix: "+1268", reason: "Antigua and Barbuda: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1284", reason: "British Virgin Islands: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1473", reason: "Grenada: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1649", reason: "Turks and Caicos: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1664", reason: "Montserrat: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1767", reason: "Dominica: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1809", reason: "Dominican Republic: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1829", reason: "Dominican Republic: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1849", reason: "Dominican Republic: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1876", reason: "Jamaica: one-ring callback fraud"),
        DestinationPolicy.DenyEntry(prefix: "+1900", reason: "North America: premium-rate numbers"),
    ]

    /// Entries from the text of a deny-list file: `PREFIX REASON` per line (spaces inside the
    /// prefix allowed when followed by two spaces or more, `#` comments). Lines that are not
    /// an entry are returned with their numbers.
    public static func parse(_ text: String) -> (entries: [DestinationPolicy.DenyEntry], rejected: [Int]) {
        var entries: [DestinationPolicy.DenyEntry] = []
        var rejected: [Int] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasPrefix("#") ? "" : String(raw)
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) else { continue }
            // The prefix: "+", digits and single spaces; the reason after two spaces or a tab.
            var prefix = ""
            var rest = Substring(line)
            while let first = rest.first, first == "+" || first.isNumber || (first == " " && rest.dropFirst().first?.isNumber == true) {
                if first != " " { prefix.append(first) }
                rest = rest.dropFirst()
            }
            let reason = rest.trimmingCharacters(in: .whitespacesAndNewlines)
            guard prefix.hasPrefix("+"), prefix.count > 1, !prefix.dropFirst().contains("+") else {
                rejected.append(index + 1)
                continue
            }
            entries.append(DestinationPolicy.DenyEntry(prefix: prefix, reason: reason.isEmpty ? "high-risk destination" : reason))
        }
        return (entries, rejected)
    }
}
