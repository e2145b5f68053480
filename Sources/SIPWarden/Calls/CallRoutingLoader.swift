import Foundation
import Logging
import NIOCore
import SIPTransport
import Storage
import Switch

/// Builds what calls are routed with from the database and the configuration: the dial
/// plan (routes, deny list, access codes), the accounts' rules and limits, the devices'
/// limits, the providers' addresses (host names resolved here, off the event loops) and the
/// rates; and the accounts' money for the ledger.
enum CallRoutingLoader {
    struct Snapshot {
        var routing: CallRouting
        var money: [Int64: Ledger.AccountMoney]
    }

    static func load(from database: AppDatabase, settings: CallSettings, logger: Logger) throws -> Snapshot {
        let accounts = try database.accounts()
        let devices = try database.devices(accountId: nil)
        let providers = try database.providers()
        let routes = RouteTable.outboundRoutes(try database.routes(), providers: providers)
        let rates = try database.allRates()
        var policies: [Int64: CallRouting.AccountPolicy] = [:]
        var money: [Int64: Ledger.AccountMoney] = [:]
        for account in accounts {
            guard let id = account.id else { continue }
            policies[id] = CallRouting.AccountPolicy(
                blocked: account.blocked, blockedReason: account.blockedReason,
                rules: DestinationPolicy.AccountRules(allowed: account.allowedPrefixes, denied: account.deniedPrefixes),
                maxConcurrentCalls: account.maxConcurrentCalls, maxCallSeconds: account.maxCallSeconds, allowsTransfers: account.allowsTransfers)
            money[id] = Ledger.AccountMoney(
                prepaid: account.billing == .prepaid, balanceMicros: account.balanceMicros, creditLimitMicros: account.creditLimitMicros)
        }
        var deviceLimits: [Int64: Int] = [:]
        for device in devices {
            if let id = device.id { deviceLimits[id] = device.maxConcurrentCalls }
        }
        var targets: [Int64: CallRouting.ProviderTarget] = [:]
        for provider in providers where provider.enabled {
            guard let id = provider.id, let host = provider.hosts.first else { continue }
            let port = provider.port ?? 5060
            let transport = SIPTransportKind(rawValue: provider.transport.rawValue) ?? .udp
            let endpoint = CallerDirectoryLoader.resolve(host, logger: logger).lazy
                .compactMap { try? SocketAddress(packedIPAddress: ByteBuffer(bytes: $0), port: port) }
                .first
                .map { CallEndpoint(transport: transport, address: $0) }
            targets[id] = CallRouting.ProviderTarget(
                id: id, name: provider.name, host: host, port: port, endpoint: endpoint, trustedIdentity: provider.trustedIdentity)
        }
        let plan = DialPlan(
            routes: routes, policy: DestinationPolicy(denyList: CallSettingsReader.denyList(settings)),
            accessCodes: settings.accessCodes, noRouteStatus: settings.noRouteStatus)
        let table = RateTable(rates.map { rate in
            (rate.accountId, Tariff(
                prefix: rate.prefix, pricePerMinuteMicros: rate.pricePerMinuteMicros, connectionFeeMicros: rate.connectionFeeMicros,
                incrementSeconds: rate.incrementSeconds, minimumSeconds: rate.minimumSeconds))
        })
        return Snapshot(
            routing: CallRouting(plan: plan, accounts: policies, deviceLimits: deviceLimits, providers: targets, rates: table),
            money: money)
    }

    /// Loads and installs a snapshot; the ledger takes the balances unless call records were
    /// committed while they were read.
    static func reload(_ calls: CallServices, database: AppDatabase, settings: CallSettings, logger: Logger) throws {
        let generation = calls.ledger.generation
        let snapshot = try load(from: database, settings: settings, logger: logger)
        calls.replace(routing: snapshot.routing)
        calls.ledger.load(snapshot.money, generation: generation)
    }
}
