/// The fleet table: which rows show, in which order, and how each instance is assessed.
extension AppState {
    /// Recomputes the cached assessment of one instance.
    mutating func refreshAssessment(_ id: InstanceID) {
        // In place: reading `instances[id]` to call `assess` would copy the whole instance (a retain per field).
        instances[id].reassess(now: now, settings: settings)
    }

    /// The instances shown in the fleet, filtered and sorted. O(n log n); sorts ids, never copies instances.
    public func visibleInstances() -> [InstanceID] {
        let matcher = FilterMatcher(filter)
        var rows = instances.indices.filter {
            isShown($0) && (matcher.matches(instances[$0].name) || matcher.matches(instances[$0].target.baseURL))
        }
        func key(_ i: InstanceID) -> Double? {
            switch sort {
            case .severity, .name: return nil
            case .goroutines: return instances[i].reading?.goroutines
            case .memory: return instances[i].memoryRatio ?? instances[i].reading?.memory.map { $0 / 1e15 }
            case .p50: return instances[i].latency.p50
            case .p99: return instances[i].latency.p99
            case .rate: return instances[i].latency.rate
            case .errors: return instances[i].latency.errorRatio
            case .pool: return instances[i].poolRatio
            case .db: return instances[i].dbRatio
            case .age: return instances[i].age(now: now)
            }
        }
        // Sort small records, read once per instance: comparing instances directly would copy each (a large
        // value) at every comparison.
        struct Row {
            var id: InstanceID
            var name: String
            var severity: Severity
            var key: Double?
        }
        var records = rows.map { i in
            Row(id: i, name: instances[i].name, severity: instances[i].severity, key: key(i))
        }
        let reversed = isSortReversed
        let order = sort
        records.sort { a, b in
            switch order {
            case .name:
                return reversed ? (a.name, a.id) > (b.name, b.id) : (a.name, a.id) < (b.name, b.id)
            case .severity:
                if a.severity != b.severity { return reversed ? a.severity < b.severity : a.severity > b.severity }
                return (a.name, a.id) < (b.name, b.id)
            default:
                switch (a.key, b.key) {
                case (nil, nil): return (a.name, a.id) < (b.name, b.id)
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?):
                    if x != y { return reversed ? x < y : x > y }
                    return (a.name, a.id) < (b.name, b.id)
                }
            }
        }
        rows = records.map(\.id)
        return rows
    }
}
