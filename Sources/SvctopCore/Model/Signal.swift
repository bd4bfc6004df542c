/// A quantity a panel shows, read from the first present of a list of candidate metric names.
public enum Signal: String, Sendable, CaseIterable, Codable {
    case goroutines, threads
    case memory, heap, memoryLimit = "memory_limit"
    case latency, inflight
    case workersBusy = "workers_busy", workersMax = "workers_max"
    case queueDepth = "queue_depth", queueCapacity = "queue_capacity", rejected
    case dbInUse = "db_in_use", dbMaxOpen = "db_max_open", dbWaitCount = "db_wait_count"
    case dbWaitDuration = "db_wait_duration"
    case gcDuration = "gc_duration", startTime = "start_time", draining, ready
}

extension Signal {
    /// The signal's place in `allCases`.
    var ordinal: Int {
        switch self {
        case .goroutines: 0
        case .threads: 1
        case .memory: 2
        case .heap: 3
        case .memoryLimit: 4
        case .latency: 5
        case .inflight: 6
        case .workersBusy: 7
        case .workersMax: 8
        case .queueDepth: 9
        case .queueCapacity: 10
        case .rejected: 11
        case .dbInUse: 12
        case .dbMaxOpen: 13
        case .dbWaitCount: 14
        case .dbWaitDuration: 15
        case .gcDuration: 16
        case .startTime: 17
        case .draining: 18
        case .ready: 19
        }
    }
}
