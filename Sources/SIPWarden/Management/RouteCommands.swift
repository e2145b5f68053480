import Storage
import Switch

/// `sipwarden route ...`: which providers carry calls to a number prefix, and how the number
/// is written for each. The server reloads them within about a second. Each change is written
/// to the action log in its own transaction.
public struct RouteCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// What follows the prefix in the example number `route list` shows.
    static let sampleDigits = "1234567"
    /// The international access code the dial plan applies by default (`DialPlan`'s
    /// `accessCodes`): a prefix written with it is stored in its `+` form.
    static let accessCodes = ["00"]
    static let highRisk = DestinationPolicy(denyList: HighRiskPrefixes.defaults)

    /// A route prefix in the form the dial plan matches numbers in (`DialledNumber.ruleForm`):
    /// spaces, dashes, dots and parentheses are dropped and `0044` becomes `+44`, so a route
    /// cannot miss numbers dialled with the other international form. `+` alone is the route
    /// of every international number. A prefix is not a whole number, so nothing else about
    /// it (length, country code) is checked. Rates and account prefix lists use the same
    /// form, so that they cover the numbers a route does; `noun` names what is parsed.
    public static func normalisedPrefix(_ text: String, noun: String = "route prefix") throws(ManagementError) -> String {
        let expected = "expected + and digits (+44), + alone, or digits, * and # (020, *98)"
        if text.filter({ !DialledNumber.separators.contains($0) }) == "+" { return "+" }
        let number: DialledNumber
        do throws(DialledNumber.ParseError) {
            number = try DialledNumber(parsing: text, accessCodes: accessCodes)
        } catch .tooLong {
            throw .usage("\"\(PrintableText.escape(text))\" is not a \(noun); at most 32 digits")
        } catch {
            throw .usage("\"\(PrintableText.escape(text))\" is not a \(noun); \(expected)")
        }
        if accessCodes.contains(number.digits) {
            // Every number dialled with the access code is matched in its + form.
            throw .usage("\"\(PrintableText.escape(text))\" is the international access code; write international prefixes with + (+ alone for all of them)")
        }
        let form = number.ruleForm
        if form.hasPrefix("+"), !form.dropFirst().allSatisfy(\.isASCIIDigit) {
            throw .usage("\"\(PrintableText.escape(text))\" is not a \(noun); \(expected)")
        }
        return form
    }

    public func add(prefix text: String, provider name: String, priority: String?, strip: String?, add: String?) throws(ManagementError) -> String {
        let prefix = try Self.normalisedPrefix(text)
        var route = Route(prefix: prefix, providerId: 0, createdAt: session.now)
        if let priority { route.priority = try OptionValue.integer(priority, option: "--priority", in: 0...9_999) }
        if let strip { route.strip = try OptionValue.integer(strip, option: "--strip", in: 0...32) }
        if let add {
            // Dialled digits only: the number goes into a Request-URI (RFC 3966 §5.1.1).
            guard add.count <= 16, add.allSatisfy({ $0.isASCIIDigit || "+*#".contains($0) }) else {
                throw .usage("--add: up to 16 digits, +, * or #")
            }
            route.add = add
        }
        let provider = try self.provider(name)
        route.providerId = provider.id ?? 0
        let described = "route \(prefix) via provider \(PrintableText.escape(provider.name))"
        _ = try session.storage { () throws -> Route in
            do {
                return try session.database.insert(route) { stored in
                    session.logEntry(
                        action: "route.add", target: "route \(prefix) via provider \(provider.name)", after: Self.json(stored, provider: provider))
                }
            } catch StorageError.duplicate {
                throw ManagementError.refused("\(described) already exists")
            }
        }
        return "added \(described)\n"
    }

    public func list(json: Bool) throws(ManagementError) -> String {
        let (routes, providers) = try session.storage { () throws -> ([Route], [Int64: Provider]) in
            (try session.database.routes(),
             Dictionary(try session.database.providers().map { ($0.id ?? 0, $0) }, uniquingKeysWith: { first, _ in first }))
        }
        if json {
            return JSONValue.array(routes.map { Self.json($0, provider: providers[$0.providerId]) }).serialized() + "\n"
        }
        var table = TextTable(["PREFIX", "PROVIDER", "PRIORITY", "STRIP", "ADD", "TECH-PREFIX", "EXAMPLE", "NOTE"])
        for route in routes {
            let provider = providers[route.providerId]
            var notes: [String] = []
            if let risk = Self.highRiskEntry(route.prefix) {
                notes.append("high-risk (\(risk.prefix)): calls will be refused unless the account allows it")
            }
            if provider?.enabled == false { notes.append("provider disabled") }
            let example = Self.example(route, provider: provider).map { "\($0.dialled) -> \($0.sent)" }
            table.append([
                route.prefix, provider?.name ?? "?", String(route.priority), String(route.strip),
                route.add.isEmpty ? "-" : route.add, (provider?.techPrefix).map { $0.isEmpty ? "-" : $0 } ?? "-",
                example ?? "-", notes.isEmpty ? "-" : notes.joined(separator: "; "),
            ])
        }
        return table.render()
    }

    /// Without a provider, the prefix's routes to every provider go.
    public func remove(prefix text: String, provider name: String?) throws(ManagementError) -> String {
        let prefix = try Self.normalisedPrefix(text)
        if let name {
            let provider = try self.provider(name)
            let described = "route \(prefix) via provider \(PrintableText.escape(provider.name))"
            let route = try session.storage { try session.database.routes(prefix: prefix).first { $0.providerId == provider.id } }
            let log = session.logEntry(
                action: "route.remove", target: "route \(prefix) via provider \(provider.name)",
                before: route.map { Self.json($0, provider: provider) })
            let removed = try session.storage { try session.database.removeRoute(prefix: prefix, providerId: provider.id ?? 0, log: log) }
            if removed == 0 { throw .refused("no \(described)") }
            return "removed \(described)\n"
        }
        let (routes, providers) = try session.storage { () throws -> ([Route], [Int64: Provider]) in
            (try session.database.routes(prefix: prefix),
             Dictionary(try session.database.providers().map { ($0.id ?? 0, $0) }, uniquingKeysWith: { first, _ in first }))
        }
        let log = session.logEntry(
            action: "route.remove", target: "routes \(prefix)", before: .array(routes.map { Self.json($0, provider: providers[$0.providerId]) }))
        let removed = try session.storage { try session.database.removeRoutes(prefix: prefix, log: log) }
        if removed == 0 { throw .refused("no route \(prefix)") }
        return "removed \(removed) \(removed == 1 ? "route" : "routes") of \(prefix)\n"
    }

    // MARK: - Helpers

    /// The provider of that exact name.
    private func provider(_ name: String) throws(ManagementError) -> Provider {
        guard let provider = try session.storage({ try session.database.provider(named: name) }) else {
            throw .refused("no provider named \(PrintableText.escape(name))")
        }
        return provider
    }

    /// A route as `route list --json` prints it.
    static func json(_ route: Route, provider: Provider?) -> JSONValue {
        let example = Self.example(route, provider: provider)
        let risk = Self.highRiskEntry(route.prefix)
        return .object([
            ("prefix", .string(route.prefix)),
            ("provider", .string(provider?.name ?? "")),
            ("priority", .integer(route.priority)),
            ("strip", .integer(route.strip)),
            ("add", .string(route.add)),
            ("techPrefix", .string(provider?.techPrefix ?? "")),
            ("providerEnabled", .bool(provider?.enabled ?? false)),
            ("example", example.map { .object([("dialled", .string($0.dialled)), ("sent", .string($0.sent))]) } ?? .null),
            ("highRisk", risk.map { .object([("prefix", .string($0.prefix)), ("reason", .string($0.reason))]) } ?? .null),
            ("createdAt", .string(route.createdAt.iso8601)),
        ])
    }

    /// The prefix followed by `sampleDigits`, and what the provider would receive for it.
    static func example(_ route: Route, provider: Provider?) -> (dialled: String, sent: String)? {
        guard let number = try? DialledNumber(parsing: route.prefix + sampleDigits, accessCodes: accessCodes) else { return nil }
        let target = RouteTarget(
            providerId: route.providerId, priority: route.priority, strip: route.strip, add: route.add,
            techPrefix: provider?.techPrefix ?? "")
        return (number.ruleForm, target.rewrite(number))
    }

    /// The deny-list entry covering every number of the prefix, if there is one. The prefix
    /// itself is checked, not a sample number under it: `+69` holds the denied `+691` but
    /// also numbers that are not denied.
    static func highRiskEntry(_ prefix: String) -> (prefix: String, reason: String)? {
        guard let number = try? DialledNumber(parsing: prefix, accessCodes: accessCodes),
              case .highRisk(let denied, let reason) = highRisk.verdict(for: number, account: .init())
        else { return nil }
        return (denied, reason)
    }
}
