/// How to read a kind of service: which metric names feed which signal, and where its endpoints are.
public struct Profile: Sendable, Equatable, Codable {
    public var name: String
    /// Candidate metric names per signal, first present wins.
    public var signals: [Signal: [String]]
    public var endpoints: Endpoints
    /// The label that names the handler on the latency histogram.
    public var handlerLabel: String
    /// When set, latency is computed for this handler only.
    public var latencyHandler: String?
    /// A fixed memory limit in bytes, used when no limit metric is exposed.
    public var memoryLimit: Double?
    /// Where `memoryLimit` came from (nil: the config).
    public var memoryLimitOrigin: MemoryLimitOrigin?

    public init(
        name: String, signals: [Signal: [String]], endpoints: Endpoints = Endpoints(), handlerLabel: String = "handler",
        latencyHandler: String? = nil, memoryLimit: Double? = nil
    ) {
        self.name = name
        self.signals = signals
        self.endpoints = endpoints
        self.handlerLabel = handlerLabel
        self.latencyHandler = latencyHandler
        self.memoryLimit = memoryLimit
    }

    /// The candidate names of a signal (empty when the profile maps nothing to it).
    public func candidates(_ signal: Signal) -> [String] { signals[signal] ?? [] }

    /// The built-in profile for Go services (client_golang collectors, promhttp, DBStats, zap, pprof).
    public static let go = Profile(
        name: "go",
        signals: [
            .goroutines: ["go_goroutines"],
            .threads: ["go_threads"],
            .memory: ["process_resident_memory_bytes"],
            .heap: ["go_memstats_heap_inuse_bytes"],
            .memoryLimit: [
                "go_gc_gomemlimit_bytes", "process_memory_limit_bytes", "container_spec_memory_limit_bytes",
            ],
            .latency: ["http_request_duration_seconds"],
            .inflight: ["http_requests_in_flight", "http_inflight_requests"],
            .workersBusy: ["workerpool_workers_busy"],
            .workersMax: ["workerpool_workers_max"],
            .queueDepth: ["workerpool_queue_depth"],
            .queueCapacity: ["workerpool_queue_capacity"],
            .rejected: ["workerpool_rejected_total"],
            .dbInUse: ["go_sql_in_use_connections"],
            .dbMaxOpen: ["go_sql_max_open_connections"],
            .dbWaitCount: ["go_sql_wait_count_total"],
            .dbWaitDuration: ["go_sql_wait_duration_seconds_total"],
            .gcDuration: ["go_gc_duration_seconds"],
            .startTime: ["process_start_time_seconds"],
            .draining: ["http_server_draining", "server_draining"],
            .ready: ["http_server_ready", "server_ready"],
        ])

    /// The built-in profile that maps nothing: everything comes from the config.
    public static let generic = Profile(name: "generic", signals: [:])

    /// The built-in profiles by name.
    public static let builtIn: [String: Profile] = ["go": .go, "generic": .generic]
}
