import Console
import Guard

extension ConsoleService {
    /// `/metrics` with `server`'s figures, for peers in `metrics.allowed_networks`; without
    /// a server there are no figures and no route.
    static func addMetrics(to dependencies: inout ConsoleDependencies, settings: ConsoleSettings, server: SIPServer?) {
        guard let server else { return }
        let networks = settings.metricsNetworks
        dependencies.metricsAllows = { ip in
            guard let key = AddressKey(ip) else { return false }
            return networks.contains { $0.contains(key) }
        }
        let metrics = server.metrics
        dependencies.metricsRender = { metrics.render() }
    }
}
