import Storage

/// `sipwarden did ...`: the numbers that ring devices. Each change is written to the action
/// log in its own transaction.
public struct DIDCommands: Sendable {
    public let session: ManagementSession

    public init(session: ManagementSession) {
        self.session = session
    }

    /// Digits with an optional leading "+" (E.164 allows 15 digits; national and test
    /// numbers may be longer), 1 to 32 characters.
    public static func problem(number: String) -> String? {
        let digits = number.first == "+" ? number.dropFirst() : Substring(number)
        guard !digits.isEmpty, number.count <= 32, digits.allSatisfy(\.isASCIIDigit) else {
            return "\"\(PrintableText.escape(number))\" is not a number; expected digits with an optional leading +, at most 32 characters"
        }
        return nil
    }

    public func add(number: String, device username: String) throws(ManagementError) -> String {
        if let problem = Self.problem(number: number) { throw .usage(problem) }
        let device = try session.device(username)
        _ = try session.storage {
            try session.database.insert(DID(number: number, deviceId: device.id ?? 0)) { _ in
                session.logEntry(action: "did.add", target: "DID \(number)", after: Self.json(number: number, device: username))
            }
        }
        return "added DID \(number) to device \(username)\n"
    }

    public func list(json: Bool) throws(ManagementError) -> String {
        let (dids, usernames) = try session.storage { () throws -> ([DID], [Int64: String]) in
            (try session.database.dids(),
             Dictionary(try session.database.devices(accountId: nil).map { ($0.id ?? 0, $0.username) }, uniquingKeysWith: { first, _ in first }))
        }
        if json {
            return JSONValue.array(dids.map { Self.json(number: $0.number, device: usernames[$0.deviceId] ?? "") }).serialized() + "\n"
        }
        var table = TextTable(["NUMBER", "DEVICE"])
        for did in dids { table.append([did.number, usernames[did.deviceId] ?? ""]) }
        return table.render()
    }

    public func remove(number: String) throws(ManagementError) -> String {
        let device = try session.storage { () throws -> Device? in
            guard let did = try session.database.did(number: number) else { return nil }
            return try session.database.device(id: did.deviceId)
        }
        let log = session.logEntry(action: "did.remove", target: "DID \(number)", before: Self.json(number: number, device: device?.username ?? ""))
        try session.storage { try session.database.removeDID(number: number, log: log) }
        return "removed DID \(PrintableText.escape(number))\n"
    }

    static func json(number: String, device: String) -> JSONValue {
        .object([("number", .string(number)), ("device", .string(device))])
    }
}
