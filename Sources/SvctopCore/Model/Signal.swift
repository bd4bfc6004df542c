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
