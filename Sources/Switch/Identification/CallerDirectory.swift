public import SIPTransport
import Synchronization

/// Who may call: the devices (by exact username, RFC 3261 §19.1.2), the providers (by source
/// address) and the local DIDs, as one immutable snapshot of the database. The server builds
/// a new one when the database changes and swaps it in; requests read whichever is current.
public final class CallerDirectory: Sendable {
    public let devices: [String: DeviceCredentials]
    /// The same devices by id (a DID names its device by id).
    public let devicesById: [Int64: DeviceCredentials]
    public let providers: ProviderMatcher
    /// Local numbers (DIDs) and the device each rings.
    public let dids: [String: Int64]
    /// Devices' other extensions: alias → username.
    public let aliases: [String: String]
    /// The DIDs of each account (of all its devices), sorted.
    public let accountDIDs: [Int64: [String]]
    /// The DIDs of each device, sorted.
    public let deviceDIDs: [Int64: [String]]

    public init(
        devices: [DeviceCredentials] = [], providers: [ProviderEndpoint] = [], dids: [String: Int64] = [:], aliases: [String: String] = [:]
    ) {
        var byName: [String: DeviceCredentials] = [:]
        byName.reserveCapacity(devices.count)
        for device in devices { byName[device.username] = device }
        self.devices = byName
        let byId = Dictionary(devices.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.devicesById = byId
        self.providers = ProviderMatcher(providers)
        self.dids = dids
        self.aliases = aliases
        var byAccount: [Int64: [String]] = [:]
        var byDevice: [Int64: [String]] = [:]
        for (number, deviceId) in dids {
            byDevice[deviceId, default: []].append(number)
            if let accountId = byId[deviceId]?.accountId { byAccount[accountId, default: []].append(number) }
        }
        self.accountDIDs = byAccount.mapValues { $0.sorted() }
        self.deviceDIDs = byDevice.mapValues { $0.sorted() }
    }

    public func device(username: String) -> DeviceCredentials? { devices[username] }

    /// The username of the device an extension rings: its own username first, else an alias.
    public func extensionOwner(_ userPart: String) -> String? {
        devices[userPart]?.username ?? aliases[userPart]
    }

    public func provider(ip: [UInt8], port: Int, transport: SIPTransportKind) -> ProviderEndpoint? {
        providers.isEmpty ? nil : providers.match(ip: ip, port: port, transport: transport)
    }
}

/// The current directory, shared by every event loop.
public final class CallerDirectoryHolder: Sendable {
    private let current: Mutex<CallerDirectory>

    public init(_ directory: CallerDirectory = CallerDirectory()) {
        current = Mutex(directory)
    }

    public var directory: CallerDirectory { current.withLock { $0 } }

    public func replace(with directory: CallerDirectory) {
        current.withLock { $0 = directory }
    }
}
