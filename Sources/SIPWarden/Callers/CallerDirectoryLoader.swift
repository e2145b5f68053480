import Foundation
import Logging
import SecurityEvents
import SIPTransport
import Storage
import Switch

/// Builds the directory of devices, providers and DIDs from the database. Provider host names
/// are resolved here (this runs off the event loops, at start, when the database changes, and
/// every 5 minutes so that a carrier's changed addresses are followed).
enum CallerDirectoryLoader {
    static func load(from database: AppDatabase, realm: String, logger: Logger) throws -> CallerDirectory {
        let devices = try database.devices(accountId: nil)
        var credentials: [DeviceCredentials] = []
        credentials.reserveCapacity(devices.count)
        var otherRealm: [String] = []
        var aliases: [String: String] = [:]
        for device in devices {
            guard let id = device.id else { continue }
            // The commands keep aliases unique; should two devices still claim one (two
            // commands at once), the first by username keeps it.
            for alias in device.aliases where aliases[alias] == nil { aliases[alias] = device.username }
            if device.realm != realm { otherRealm.append(device.username) }
            credentials.append(DeviceCredentials(
                id: id, accountId: device.accountId, username: device.username, realm: device.realm,
                ha1MD5: device.ha1MD5, ha1SHA256: device.ha1SHA256, maxContacts: device.maxContacts,
                allowedNetworks: device.allowedNetworks.compactMap { try? IPNetwork(parsing: $0) }, callerID: device.callerID,
                callerIDChoice: device.callerIDChoice == .fixed ? .fixed : .account))
        }
        if !otherRealm.isEmpty {
            logger.warning("devices whose password was set for another realm cannot authenticate: set their passwords again", metadata: [
                "realm": "\(realm)", "devices": "\(otherRealm.prefix(10).joined(separator: ", "))\(otherRealm.count > 10 ? ", ..." : "")",
            ])
        }
        var endpoints: [ProviderEndpoint] = []
        for provider in try database.providers() where provider.enabled && provider.identification == .ip {
            guard let id = provider.id else { continue }
            let addresses = provider.hosts.flatMap { resolve($0, logger: logger) }
            endpoints.append(ProviderEndpoint(
                providerId: id, name: provider.name, addresses: addresses, port: provider.port,
                transport: SIPTransportKind(rawValue: provider.transport.rawValue) ?? .udp, trustedIdentity: provider.trustedIdentity))
        }
        var dids: [String: Int64] = [:]
        for did in try database.dids() { dids[did.number] = did.deviceId }
        return CallerDirectory(devices: credentials, providers: endpoints, dids: dids, aliases: aliases)
    }

    /// The addresses of an IP literal or a host name (every A and AAAA record).
    static func resolve(_ host: String, logger: Logger) -> [[UInt8]] {
        if let bytes = IPAddress.bytes(host) { return [bytes] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else {
            logger.warning("provider host name does not resolve", metadata: ["host": "\(host)"])
            return []
        }
        defer { freeaddrinfo(first) }
        var addresses: [[UInt8]] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        addresses.append(withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        addresses.append(withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) })
                    }
                default:
                    break
                }
            }
            cursor = entry.pointee.ai_next
        }
        var unique: [[UInt8]] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        return unique
    }
}
