import GRDB

/// Outbound routes, behind a protocol so that another database can implement it. A change may
/// carry its action log line, written in the same transaction, and only when something was
/// removed.
public protocol RouteRepository: Sendable {
    func insert(_ route: Route, log: ActionLogLine<Route>?) throws -> Route
    /// Every route, by prefix, then priority (then provider id).
    func routes() throws -> [Route]
    /// The routes of one prefix, by priority (then provider id).
    func routes(prefix: String) throws -> [Route]
    /// Removes the route of `prefix` to one provider; returns how many were removed (0 or 1).
    func removeRoute(prefix: String, providerId: Int64, log: ActionLogEntry?) throws -> Int
    /// Removes the routes of `prefix` to every provider; returns how many were removed.
    func removeRoutes(prefix: String, log: ActionLogEntry?) throws -> Int
}

extension RouteRepository {
    public func insert(_ route: Route) throws -> Route { try insert(route, log: nil) }
    public func removeRoute(prefix: String, providerId: Int64) throws -> Int { try removeRoute(prefix: prefix, providerId: providerId, log: nil) }
    public func removeRoutes(prefix: String) throws -> Int { try removeRoutes(prefix: prefix, log: nil) }
}

extension AppDatabase: RouteRepository {
    public func insert(_ route: Route, log: ActionLogLine<Route>?) throws -> Route {
        do {
            return try write(logging: log) { db in
                var route = route
                try route.insert(db)
                return route
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicate("route \(route.prefix) to provider \(route.providerId)")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StorageError.notFound("provider \(route.providerId)")
        }
    }

    public func routes() throws -> [Route] {
        try writer.read { db in
            try Route.order(Column("prefix"), Column("priority"), Column("providerId")).fetchAll(db)
        }
    }

    public func routes(prefix: String) throws -> [Route] {
        try writer.read { db in
            try Route.filter(Column("prefix") == prefix).order(Column("priority"), Column("providerId")).fetchAll(db)
        }
    }

    public func removeRoute(prefix: String, providerId: Int64, log: ActionLogEntry?) throws -> Int {
        try write(logging: { removed in removed > 0 ? log : nil }) { db in
            try Route.filter(Column("prefix") == prefix && Column("providerId") == providerId).deleteAll(db)
        }
    }

    public func removeRoutes(prefix: String, log: ActionLogEntry?) throws -> Int {
        try write(logging: { removed in removed > 0 ? log : nil }) { db in try Route.filter(Column("prefix") == prefix).deleteAll(db) }
    }
}
