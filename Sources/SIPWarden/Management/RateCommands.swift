import Storage

/// `sipwarden rate ...`: what calls to a number prefix cost, by default or for one account.
/// Prefixes are in the form routes use, so a rate covers exactly the numbers its route does.
/// Each change is written to the action log in its own transaction.
public struct RateCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// `rate add` options as typed; nil when not given.
    public struct Pricing: Sendable, Equatable {
        /// Per minute, in currency units.
        public var price: String
        public var connectionFee: String?
        public var increment: String?
        public var minimum: String?

        public init(price: String, connectionFee: String? = nil, increment: String? = nil, minimum: String? = nil) {
            self.price = price
            self.connectionFee = connectionFee
            self.increment = increment
            self.minimum = minimum
        }
    }

    /// An hour: a longer billing step or minimum is a typo.
    static let secondsRange = 0...3_600

    /// Without an account, the default rate of the prefix for every account.
    public func add(prefix text: String, pricing: Pricing, account reference: String?) throws(ManagementError) -> String {
        let prefix = try RouteCommands.normalisedPrefix(text, noun: "rate prefix")
        var rate = Rate(
            prefix: prefix, pricePerMinuteMicros: try OptionValue.amount(pricing.price, option: "--price", allowNegative: false),
            createdAt: session.now)
        if let fee = pricing.connectionFee {
            rate.connectionFeeMicros = try OptionValue.amount(fee, option: "--connection-fee", allowNegative: false)
        }
        if let increment = pricing.increment {
            rate.incrementSeconds = try OptionValue.integer(increment, option: "--increment", in: 1...Self.secondsRange.upperBound)
        }
        if let minimum = pricing.minimum {
            rate.minimumSeconds = try OptionValue.integer(minimum, option: "--minimum", in: Self.secondsRange)
        }
        let account = try reference.map { (text: String) throws(ManagementError) -> Account in try session.account(text) }
        rate.accountId = account?.id
        let described = account.map { "rate \(prefix) for account \(PrintableText.escape($0.name))" } ?? "default rate \(prefix)"
        let stored = try session.storage { () throws -> Rate in
            do {
                return try session.database.insert(rate) { stored in
                    session.logEntry(action: "rate.add", target: Self.target(stored), after: Self.json(stored, accountName: account?.name))
                }
            } catch StorageError.duplicate {
                throw ManagementError.refused("\(described) already exists")
            }
        }
        return "added \(described) (id \(stored.id ?? 0))\n"
    }

    /// With an account, only its own rates (not the defaults it falls back to).
    public func list(account reference: String?, json: Bool) throws(ManagementError) -> String {
        let accountId = try reference.map { (text: String) throws(ManagementError) -> Int64 in try session.account(text).id ?? 0 }
        let (rates, names) = try session.storage { () throws -> ([Rate], [Int64: String]) in
            (try session.database.rates(accountId: accountId),
             Dictionary(try session.database.accounts().map { ($0.id ?? 0, $0.name) }, uniquingKeysWith: { first, _ in first }))
        }
        if json {
            return JSONValue.array(rates.map { Self.json($0, accountName: $0.accountId.flatMap { names[$0] }) }).serialized() + "\n"
        }
        var table = TextTable(["ID", "ACCOUNT", "PREFIX", "PER-MINUTE", "CONNECTION-FEE", "INCREMENT", "MINIMUM"])
        for rate in rates {
            table.append([
                String(rate.id ?? 0), rate.accountId.map { names[$0] ?? String($0) } ?? "(default)", rate.prefix,
                MoneyAmount.format(micros: rate.pricePerMinuteMicros), MoneyAmount.format(micros: rate.connectionFeeMicros),
                "\(rate.incrementSeconds)s", "\(rate.minimumSeconds)s",
            ])
        }
        return table.render()
    }

    public func remove(_ reference: String) throws(ManagementError) -> String {
        guard let id = Int64(reference), id > 0, reference.allSatisfy(\.isASCIIDigit) else {
            throw .usage("ID: \"\(PrintableText.escape(reference))\" is not a rate id")
        }
        let (rate, accountName) = try session.storage { () throws -> (Rate?, String?) in
            let rate = try session.database.allRates().first { $0.id == id }
            return (rate, try rate?.accountId.flatMap { try session.database.account(id: $0)?.name })
        }
        let log = session.logEntry(
            action: "rate.remove", target: rate.map(Self.target) ?? "rate \(id)", before: rate.map { Self.json($0, accountName: accountName) })
        let removed = try session.storage { try session.database.removeRate(id: id, log: log) }
        if !removed { throw .refused("rate \(id) not found") }
        return "removed rate \(id)\n"
    }

    /// How the action log names a rate: `rate 7 +44 default`, `rate 8 +44 of account 3`.
    static func target(_ rate: Rate) -> String {
        "rate \(rate.id.map(String.init) ?? "?") \(rate.prefix) " + (rate.accountId.map { "of account \($0)" } ?? "default")
    }

    /// A rate as `rate list --json` prints it.
    static func json(_ rate: Rate, accountName: String?) -> JSONValue {
        .object([
            ("id", .integer(rate.id ?? 0)),
            ("account", .string(accountName)),
            ("accountId", rate.accountId.map { .integer($0) } ?? .null),
            ("prefix", .string(rate.prefix)),
            ("pricePerMinute", .string(MoneyAmount.format(micros: rate.pricePerMinuteMicros))),
            ("pricePerMinuteMicros", .integer(rate.pricePerMinuteMicros)),
            ("connectionFee", .string(MoneyAmount.format(micros: rate.connectionFeeMicros))),
            ("connectionFeeMicros", .integer(rate.connectionFeeMicros)),
            ("incrementSeconds", .integer(rate.incrementSeconds)),
            ("minimumSeconds", .integer(rate.minimumSeconds)),
            ("createdAt", .string(rate.createdAt.iso8601)),
        ])
    }
}
