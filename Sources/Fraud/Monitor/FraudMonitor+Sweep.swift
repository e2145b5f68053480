import UnixTime
extension FraudMonitor {
    /// Forgets what can no longer count: calls in progress whose end was lost (their place
    /// given back), ended calls' ids past their memory, scopes with nothing left.
    mutating func sweep(now: Int64) {
        nextSweepAt = UnixTime.adding(now, settings.sweepIntervalMillis)
        let staleBefore = UnixTime.subtracting(now, settings.staleLiveCallMillis)
        for (callID, call) in live where call.lastFactAt <= staleBefore {
            live[callID] = nil
            for key in call.counted {
                guard let index = scopes.index(forKey: key) else { continue }
                scopes.values[index].concurrent = max(0, scopes.values[index].concurrent - 1)
            }
        }
        let forgetBefore = UnixTime.subtracting(now, settings.endedCallMemoryMillis)
        while endedHead < endedOrder.count, endedOrder[endedHead].at <= forgetBefore {
            let entry = endedOrder[endedHead]
            if ended[entry.callID] == entry.at { ended[entry.callID] = nil }
            endedHead += 1
        }
        if endedHead == endedOrder.count {
            endedOrder.removeAll()
            endedHead = 0
        } else if endedHead >= 64, endedHead * 2 >= endedOrder.count {
            endedOrder.removeFirst(endedHead)
            endedHead = 0
        }
        var idle: [FraudScopeKey] = []
        var index = scopes.startIndex
        while index != scopes.endIndex {
            scopes.values[index].sweep(now: now)
            if scopes.values[index].isIdle(at: now) { idle.append(scopes.keys[index]) }
            scopes.formIndex(after: &index)
        }
        for key in idle { scopes[key] = nil }
    }

    mutating func rememberEnded(_ callID: String, now: Int64) {
        ended[callID] = now
        endedOrder.append((at: now, callID: callID))
    }
}
