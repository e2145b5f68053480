import UnixTime
import Foundation

/// Failed authentications per device across sources: distributed guessing (many sources,
/// one device) does not trip a per-source jail, so it is watched per device. Bounded: a
/// device keeps at most a few times its threshold of failures, and at most `deviceLimit`
/// devices are watched.
struct DeviceWatch: Sendable {
    struct Failure: Sendable {
        var time: Int64
        var source: GuardNetwork
    }

    private var failures: [String: [Failure]] = [:]
    /// Sources each device authenticated from, and when (at most `sourcesPerDevice`).
    private var sources: [String: [GuardNetwork: Int64]] = [:]
    private(set) var locks: [String: Int64] = [:]

    static let deviceLimit = 20_000
    static let sourcesPerDevice = 8
    /// A source a device authenticated from within this long keeps working under a lock.
    static let sourceMemory: Int64 = 86_400_000

    mutating func succeeded(username: String, from source: GuardNetwork, at time: Int64) {
        var known = sources[username] ?? [:]
        known[source] = time
        if known.count > Self.sourcesPerDevice, let oldest = known.min(by: { $0.value < $1.value }) {
            known[oldest.key] = nil
        }
        if sources[username] == nil, sources.count >= Self.deviceLimit, let any = sources.keys.first {
            sources[any] = nil
        }
        sources[username] = known
    }

    /// Counts a failure; a lock order when it locks the device.
    mutating func failed(username: String, from source: GuardNetwork, at time: Int64, settings: DeviceLockSettings) -> DeviceLockOrder? {
        if let until = locks[username], until > time { return nil }
        let window = UnixTime.milliseconds(seconds: settings.window)
        // Failures "from the future" (the clock went back) count as now, as in the jails.
        var list = (failures[username] ?? []).map { Failure(time: min($0.time, time), source: $0.source) }
            .filter { $0.time > UnixTime.adding(time, -window) }
        list.append(Failure(time: time, source: source))
        let cap = max(settings.failures * 4, 16)
        if list.count > cap { list.removeFirst(list.count - cap) }
        if failures[username] == nil, failures.count >= Self.deviceLimit, let any = failures.keys.first {
            failures[any] = nil
        }
        let distinct = Set(list.map(\.source)).count
        guard list.count >= settings.failures, distinct >= settings.distinctSources else {
            failures[username] = list
            return nil
        }
        failures[username] = nil
        let until = UnixTime.adding(time, UnixTime.milliseconds(seconds: settings.lock))
        locks[username] = until
        let keep = (sources[username] ?? [:]).filter { $0.value > UnixTime.adding(time, -Self.sourceMemory) }.keys.sorted { $0.key < $1.key }
        return DeviceLockOrder(
            username: username, until: UnixTime.date(until), keep: keep, failures: list.count,
            distinctSources: distinct,
            reason: "\(list.count) failed authentications from \(distinct) sources within \(DurationText.text(seconds: settings.window))")
    }

    /// Ends the locks that are over; returns their devices.
    mutating func sweep(now: Int64, settings: DeviceLockSettings) -> [String] {
        let ended = locks.filter { $0.value <= now }.map(\.key).sorted()
        for username in ended { locks[username] = nil }
        let window = UnixTime.milliseconds(seconds: settings.window)
        failures = failures.compactMapValues { list in
            let kept = list.filter { $0.time > UnixTime.adding(now, -window) }
            return kept.isEmpty ? nil : kept
        }
        return ended
    }
}
