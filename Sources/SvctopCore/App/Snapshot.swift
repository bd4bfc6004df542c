extension InstanceSnapshot.Latency {
    enum CodingKeys: String, CodingKey { case p50, p90, p99 }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(p50, forKey: .p50)
        try c.encode(p90, forKey: .p90)
        try c.encode(p99, forKey: .p99)
    }
}

extension InstanceSnapshot.Pool {
    enum CodingKeys: String, CodingKey {
        case workersBusy = "workers_busy", workersMax = "workers_max", queueDepth = "queue_depth"
        case queueCapacity = "queue_capacity", utilization
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(workersBusy, forKey: .workersBusy)
        try c.encode(workersMax, forKey: .workersMax)
        try c.encode(queueDepth, forKey: .queueDepth)
        try c.encode(queueCapacity, forKey: .queueCapacity)
        try c.encode(utilization, forKey: .utilization)
    }
}

extension InstanceSnapshot.DBPool {
    enum CodingKeys: String, CodingKey { case inUse = "in_use", maxOpen = "max_open", waitRate = "wait_rate" }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inUse, forKey: .inUse)
        try c.encode(maxOpen, forKey: .maxOpen)
        try c.encode(waitRate, forKey: .waitRate)
    }
}

extension InstanceSnapshot.HealthSnapshot {
    enum CodingKeys: String, CodingKey { case live, ready, draining }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(live, forKey: .live)
        try c.encode(ready, forKey: .ready)
        try c.encode(draining, forKey: .draining)
    }
}

extension Optional where Wrapped == Double {
    /// nil for NaN and infinities (JSON has no such numbers).
    var finite: Double? {
        guard let v = self, v.isFinite else { return nil }
        return v
    }
}
