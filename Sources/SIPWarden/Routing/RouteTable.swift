public import Storage
public import Switch

/// The dial plan's outbound routes from the database: one `OutboundRoute` per prefix, with a
/// target per provider carrying the provider's tech prefix. A disabled provider, or one
/// removed between the two reads, carries nothing and is left out; a prefix left with no
/// provider is left out too, so the dial plan finds a shorter prefix or no route.
public enum RouteTable {
    public static func load(from database: AppDatabase) throws -> [OutboundRoute] {
        // Providers first: a provider removed after this read takes its routes with it
        // (ON DELETE CASCADE), so no route read afterwards names a provider unknown here
        // unless it was added in between, and that one is left out until the next load.
        let providers = try database.providers()
        return outboundRoutes(try database.routes(), providers: providers)
    }

    /// Pure: the grouping and the provider lookup, for tests and callers that hold the rows.
    public static func outboundRoutes(_ routes: [Route], providers: [Provider]) -> [OutboundRoute] {
        var usable: [Int64: Provider] = [:]
        for provider in providers where provider.enabled {
            if let id = provider.id { usable[id] = provider }
        }
        var targets: [String: [RouteTarget]] = [:]
        var order: [String] = []
        for route in routes {
            guard let provider = usable[route.providerId] else { continue }
            if targets[route.prefix] == nil { order.append(route.prefix) }
            targets[route.prefix, default: []].append(RouteTarget(
                providerId: route.providerId, priority: route.priority, strip: route.strip, add: route.add,
                techPrefix: provider.techPrefix))
        }
        return order.map { OutboundRoute(prefix: $0, targets: targets[$0] ?? []) }
    }
}
