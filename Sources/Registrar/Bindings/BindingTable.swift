/// The registrar's location service (RFC 3261 §10.3): every device's current bindings, with
/// expiry, as a value that takes time as a parameter. One owner holds it; it never reads a
/// clock.
public struct BindingTable: Sendable {
    private var byDevice: [Int64: [Binding]] = [:]
    /// Live bindings in all.
    public private(set) var count = 0

    public init() {}

    /// The device's bindings that have not expired at `now`, highest q first (§10.2.1.2; no
    /// q counts as 1.0), then most recently refreshed.
    public func bindings(deviceId: Int64, now: Int64) -> [Binding] {
        (byDevice[deviceId] ?? []).filter { $0.expiresAt > now }.sorted { left, right in
            let leftQ = left.qThousandths ?? 1000
            let rightQ = right.qThousandths ?? 1000
            return leftQ != rightQ ? leftQ > rightQ : left.updatedAt > right.updatedAt
        }
    }

    /// Every live binding (for `registration list`, and the start of a restart).
    public var all: [Binding] { byDevice.values.flatMap { $0 } }

    /// Puts back bindings read from storage (after a restart); expired ones are skipped.
    public mutating func load(_ bindings: [Binding], now: Int64) {
        for binding in bindings where binding.expiresAt > now {
            var list = byDevice[binding.deviceId] ?? []
            if let index = list.firstIndex(where: { $0.contact == binding.contact }) {
                list[index] = binding
            } else {
                list.append(binding)
                count += 1
            }
            byDevice[binding.deviceId] = list
        }
    }

    /// Processes a REGISTER (§10.3 steps 6-8). All of its changes are made, or none.
    public mutating func register(_ request: RegisterRequest, policy: RegistrarPolicy, now: Int64) -> RegisterOutcome {
        var list = (byDevice[request.deviceId] ?? []).filter { $0.expiresAt > now }
        var changes = BindingChanges()
        for binding in byDevice[request.deviceId] ?? [] where binding.expiresAt <= now {
            changes.removed.append(BindingKey(deviceId: binding.deviceId, contact: binding.contact))
        }

        switch request.contacts {
        case .none:
            break
        case .wildcard:
            // §10.3 step 6: `*` only with Expires: 0 and no other Contact.
            guard request.expires == 0 else { return .invalidWildcard }
            // §10.3 step 7, for each binding: the same Call-ID with a CSeq not higher aborts.
            if list.contains(where: { $0.callID == request.callID && $0.cseq >= request.cseq }) {
                return .outOfOrder
            }
            changes.removed += list.map { BindingKey(deviceId: $0.deviceId, contact: $0.contact) }
            list = []
        case .list(let contacts):
            // Expiry of each contact first: one too brief refuses the whole request.
            var planned: [(contact: RegisterRequest.RequestedContact, seconds: Int)] = []
            for contact in contacts {
                let asked = contact.expires.map(Int.init) ?? request.expires.map(Int.init) ?? policy.defaultExpires
                if asked != 0 && asked < policy.minExpires { return .intervalTooBrief(minExpires: policy.minExpires) }
                planned.append((contact, min(asked, policy.maxExpires)))
            }
            for (contact, seconds) in planned {
                let index = list.firstIndex { $0.contact == contact.uri }
                if let index {
                    let existing = list[index]
                    if existing.callID == request.callID {
                        if request.cseq == existing.cseq { continue }  // a retransmission: nothing new
                        if request.cseq < existing.cseq { return .outOfOrder }
                    }
                    if seconds == 0 {
                        changes.removed.append(BindingKey(deviceId: existing.deviceId, contact: existing.contact))
                        list.remove(at: index)
                        continue
                    }
                } else if seconds == 0 {
                    continue
                }
                let binding = Binding(
                    deviceId: request.deviceId, contact: contact.uri, qThousandths: contact.qThousandths,
                    expiresAt: now + Int64(seconds) * 1000, callID: request.callID, cseq: request.cseq,
                    source: request.source, userAgent: request.userAgent, updatedAt: now)
                if let index { list[index] = binding } else { list.append(binding) }
                changes.upserted.append(binding)
            }
            // Over the device's limit, the bindings refreshed longest ago make room: a phone
            // that restarted with a new contact is not locked out until its old one expires.
            if list.count > request.maxContacts {
                let surplus = list.count - request.maxContacts
                let oldest = list.enumerated().sorted { $0.element.updatedAt < $1.element.updatedAt }.prefix(surplus).map(\.offset)
                for offset in oldest.sorted(by: >) {
                    let dropped = list.remove(at: offset)
                    changes.upserted.removeAll { $0.contact == dropped.contact }
                    changes.removed.append(BindingKey(deviceId: dropped.deviceId, contact: dropped.contact))
                }
            }
        }
        let before = (byDevice[request.deviceId]?.count ?? 0)
        byDevice[request.deviceId] = list.isEmpty ? nil : list
        count += list.count - before
        return .accepted(current: bindings(deviceId: request.deviceId, now: now), changes: changes)
    }

    /// Removes the bindings that expired at `now`; returns their keys.
    public mutating func expire(now: Int64) -> [BindingKey] {
        var removed: [BindingKey] = []
        for (deviceId, list) in byDevice where list.contains(where: { $0.expiresAt <= now }) {
            let kept = list.filter { $0.expiresAt > now }
            removed += list.filter { $0.expiresAt <= now }.map { BindingKey(deviceId: deviceId, contact: $0.contact) }
            byDevice[deviceId] = kept.isEmpty ? nil : kept
            count -= list.count - kept.count
        }
        return removed
    }

    /// Forgets every binding of a device (the device was removed).
    public mutating func removeDevice(_ deviceId: Int64) {
        count -= byDevice.removeValue(forKey: deviceId)?.count ?? 0
    }

    /// Device ids that have bindings.
    public var deviceIds: [Int64] { Array(byDevice.keys) }
}
