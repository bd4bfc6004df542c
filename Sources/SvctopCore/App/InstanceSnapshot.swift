/// One instance in the headless snapshot (`svctop --once --format json`). Unknown values encode as null.
/// The schema is documented in docs/snapshot.md.
public struct InstanceSnapshot: Sendable, Encodable, Equatable {
    public struct Latency: Sendable, Encodable, Equatable {
        public var p50: Double?
        public var p90: Double?
        public var p99: Double?
    }
    public struct Pool: Sendable, Encodable, Equatable {
        public var workersBusy: Double?
        public var workersMax: Double?
        public var queueDepth: Double?
        public var queueCapacity: Double?
        public var utilization: Double?
    }
    public struct DBPool: Sendable, Encodable, Equatable {
        public var inUse: Double?
        public var maxOpen: Double?
        public var waitRate: Double?
    }
    public struct HealthSnapshot: Sendable, Encodable, Equatable {
        public var live: Bool?
        public var ready: Bool?
        public var draining: Bool
    }

    public var name: String
    public var url: String
    public var up: Bool
    public var error: String?
    public var goroutines: Double?
    public var threads: Double?
    public var memoryBytes: Double?
    public var heapBytes: Double?
    public var memoryLimitBytes: Double?
    public var memoryRatio: Double?
    public var latencySeconds: Latency
    public var requestRate: Double?
    public var errorRatio: Double?
    public var inflight: Double?
    public var pool: Pool
    public var dbPool: DBPool
    public var health: HealthSnapshot
    public var logLevel: String?
    public var possibleLeak: Bool
    public var oomEtaSeconds: Double?
    public var restarts: Int
    public var rejectedLines: Int
    /// Kubernetes' view of the pod (`svctop k8s` only; absent from other snapshots).
    public var pod: PodSnapshot?

    public init(_ i: InstanceState) {
        name = i.name
        url = i.target.baseURL
        up = i.status.isUp
        if case .down(let failure) = i.status {
            error = failure.description
        } else if i.status == .pending {
            error = "no answer yet"
        }
        let r = i.reading
        goroutines = r?.goroutines
        threads = r?.threads
        memoryBytes = r?.memory
        heapBytes = r?.heap
        memoryLimitBytes = r?.memoryLimit
        memoryRatio = i.memoryRatio
        latencySeconds = Latency(p50: i.latency.p50.finite, p90: i.latency.p90.finite, p99: i.latency.p99.finite)
        requestRate = i.latency.rate
        errorRatio = i.latency.errorRatio
        inflight = r?.inflight
        pool = Pool(
            workersBusy: r?.workersBusy, workersMax: r?.workersMax, queueDepth: r?.queueDepth,
            queueCapacity: r?.queueCapacity, utilization: i.poolRatio)
        dbPool = DBPool(inUse: r?.dbInUse, maxOpen: r?.dbMaxOpen, waitRate: i.dbWaitRate)
        health = HealthSnapshot(live: i.health.isLive, ready: i.health.isReady, draining: i.health.isDraining)
        logLevel = i.logLevel
        possibleLeak = i.isLeakSuspected
        oomEtaSeconds = i.oom.map { $0.seconds.rounded() }
        restarts = i.restarts
        rejectedLines = i.rejectedLines
        if let p = i.pod {
            pod = PodSnapshot(
                namespace: p.namespace, pod: p.name, uid: p.uid, node: p.node, phase: p.phase,
                gone: i.podGoneAt != nil, lastTermination: p.lastTermination,
                memoryLimitSource: r?.sources[.memoryLimit].map { MemoryLimitSource(metric: $0).snapshotName })
            restarts = p.restarts
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, url, up, error, goroutines, threads, memoryBytes = "memory_bytes", heapBytes = "heap_bytes"
        case memoryLimitBytes = "memory_limit_bytes", memoryRatio = "memory_ratio", latencySeconds = "latency_seconds"
        case requestRate = "request_rate", errorRatio = "error_ratio", inflight, pool, dbPool = "db_pool", health
        case logLevel = "log_level", possibleLeak = "possible_leak", oomEtaSeconds = "oom_eta_seconds", restarts
        case rejectedLines = "rejected_lines"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(url, forKey: .url)
        try c.encode(up, forKey: .up)
        try c.encode(error, forKey: .error)
        try c.encode(goroutines, forKey: .goroutines)
        try c.encode(threads, forKey: .threads)
        try c.encode(memoryBytes, forKey: .memoryBytes)
        try c.encode(heapBytes, forKey: .heapBytes)
        try c.encode(memoryLimitBytes, forKey: .memoryLimitBytes)
        try c.encode(memoryRatio, forKey: .memoryRatio)
        try c.encode(latencySeconds, forKey: .latencySeconds)
        try c.encode(requestRate, forKey: .requestRate)
        try c.encode(errorRatio, forKey: .errorRatio)
        try c.encode(inflight, forKey: .inflight)
        try c.encode(pool, forKey: .pool)
        try c.encode(dbPool, forKey: .dbPool)
        try c.encode(health, forKey: .health)
        try c.encode(logLevel, forKey: .logLevel)
        try c.encode(possibleLeak, forKey: .possibleLeak)
        try c.encode(oomEtaSeconds, forKey: .oomEtaSeconds)
        try c.encode(restarts, forKey: .restarts)
        try c.encode(rejectedLines, forKey: .rejectedLines)
        try pod?.encode(to: encoder)
    }
}
