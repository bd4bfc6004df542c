extension Reading {
    /// Sets the field a plain-number signal feeds (latency and GC pauses are not plain numbers: ignored).
    public mutating func set(_ signal: Signal, _ value: Double) {
        switch signal {
        case .goroutines: goroutines = value
        case .threads: threads = value
        case .memory: memory = value
        case .heap: heap = value
        case .memoryLimit: memoryLimit = value
        case .inflight: inflight = value
        case .workersBusy: workersBusy = value
        case .workersMax: workersMax = value
        case .queueDepth: queueDepth = value
        case .queueCapacity: queueCapacity = value
        case .rejected: rejectedTotal = value
        case .dbInUse: dbInUse = value
        case .dbMaxOpen: dbMaxOpen = value
        case .dbWaitCount: dbWaitCount = value
        case .dbWaitDuration: dbWaitDuration = value
        case .startTime: startTime = value
        case .draining: drainingGauge = value
        case .ready: readyGauge = value
        case .latency, .gcDuration: break
        }
    }
}
