import UnixTime
import Console
import Foundation
import Registrar
import Storage
import Switch

/// Moves bindings between the registrar's memory and the database: loaded at start, written
/// in batches (every change since the last batch in one transaction).
enum RegistrationPersistence {
    static func loadBindings(from database: AppDatabase, into store: RegistrarStore, now: Int64) throws {
        let rows = try database.registrations(deviceId: nil)
        store.load(rows.map(binding(from:)), now: now)
    }

    /// Writes what changed since the last call. A batch the database refuses is put back
    /// (minus the bindings of devices that no longer exist) to be tried again.
    @discardableResult
    static func flush(_ store: RegistrarStore, to database: AppDatabase, hub: EventHub? = nil) throws -> Int {
        let changes = store.takePendingChanges()
        guard !changes.isEmpty else { return 0 }
        if let hub { announce(changes, to: hub) }
        do {
            try database.applyRegistrationChanges(
                upserts: changes.upserted.map(registration(from:)),
                removals: changes.removed.map { RegistrationKey(deviceId: $0.deviceId, contact: $0.contact) })
            return changes.upserted.count + changes.removed.count
        } catch StorageError.notFound {
            // A device was removed while its bindings waited: keep only devices that exist.
            let existing = Set(try database.devices(accountId: nil).compactMap(\.id))
            store.keepDevices { existing.contains($0) }
            store.requeue(BindingChanges(
                upserted: changes.upserted.filter { existing.contains($0.deviceId) },
                removed: changes.removed.filter { existing.contains($0.deviceId) }))
            throw StorageError.notFound("device of a registration")
        } catch {
            store.requeue(changes)
            throw error
        }
    }

    /// `registration.update` for a new or refreshed binding, `registration.remove` for one
    /// that ended (unregistered, expired, or replaced).
    static func announce(_ changes: BindingChanges, to hub: EventHub) {
        guard hub.isWatched else { return }
        for binding in changes.upserted {
            hub.publish(ServerEvent(type: "registration.update", time: UnixTime.date(binding.updatedAt), fields: [
                "device_id": .number(binding.deviceId), "contact": .text(binding.contact), "expires": .text(ServerEvent.timeText(UnixTime.date(binding.expiresAt))),
                "source_ip": .text(binding.source.ip), "source_port": .number(Int64(binding.source.port)), "transport": .text(binding.source.transport),
                "user_agent": .optional(binding.userAgent),
            ]))
        }
        for binding in changes.removed {
            hub.publish(ServerEvent(type: "registration.remove", time: Date(), fields: [
                "device_id": .number(binding.deviceId), "contact": .text(binding.contact),
            ]))
        }
    }

    static func registration(from binding: Binding) -> Registration {
        Registration(
            deviceId: binding.deviceId, contact: binding.contact, q: binding.qThousandths.map { Double($0) / 1000 },
            expiresAt: UnixTime.date(binding.expiresAt), callID: binding.callID, cseq: Int64(binding.cseq),
            sourceIP: binding.source.ip, sourcePort: binding.source.port, transport: binding.source.transport,
            userAgent: binding.userAgent, updatedAt: UnixTime.date(binding.updatedAt))
    }

    static func binding(from row: Registration) -> Binding {
        Binding(
            deviceId: row.deviceId, contact: row.contact, qThousandths: row.q.map { Int(($0 * 1000).rounded()) },
            expiresAt: UnixTime.milliseconds(row.expiresAt), callID: row.callID, cseq: UInt32(clamping: row.cseq),
            source: BindingSource(transport: row.transport, ip: row.sourceIP, port: row.sourcePort),
            userAgent: row.userAgent, updatedAt: UnixTime.milliseconds(row.updatedAt))
    }

}
