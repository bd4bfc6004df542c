/// What one scrape of one instance said, mapped through its profile. nil means "not exposed".
public struct Reading: Sendable, Equatable {
    public var goroutines: Double?
    public var threads: Double?
    public var memory: Double?
    public var heap: Double?
    public var memoryLimit: Double?
    /// The Go soft limit (GOMEMLIMIT) when memory is measured against a harder one (the pod's): the GC works
    /// harder past it, the kill comes at `memoryLimit`.
    public var goSoftLimit: Double?
    public var inflight: Double?
    public var workersBusy: Double?
    public var workersMax: Double?
    public var queueDepth: Double?
    public var queueCapacity: Double?
    public var rejectedTotal: Double?
    public var dbInUse: Double?
    public var dbMaxOpen: Double?
    public var dbWaitCount: Double?
    public var dbWaitDuration: Double?
    /// GC pause quantiles from the summary (quantile → seconds).
    public var gcPauses: [Double: Double] = [:]
    public var gcCount: Double?
    public var startTime: Double?
    public var drainingGauge: Double?
    /// A readiness gauge the service exports (1 ready, 0 not): the health a source knows without probing.
    public var readyGauge: Double?
    public var histogram: HistogramReading?
    /// Summary quantiles of the latency metric when it is a summary instead of a histogram.
    public var latencySummary: [Double: Double]?
    /// Which metric name fed each signal (for "looked for X" hints and the JSON snapshot).
    public var sources = Sources()

    public init() {}

    /// The "no limit" value Go reports in `go_gc_gomemlimit_bytes` (math.MaxInt64).
    static let goNoMemoryLimit = 9.2e18

    /// Maps a scrape through a profile.
    public init(metrics: MetricSet, profile: Profile) {
        let plan = ReadingPlan.of(profile)
        self.init(plan.input(metrics), plan: plan)
    }

    /// Maps the samples a profile reads (numbered by its plan) to the signals.
    init(_ input: ReadingInput, plan: ReadingPlan) {
        let profile = plan.profile
        func read(_ signal: Signal) -> Double? {
            for candidate in plan.candidates(signal) {
                if let v = input.sum(candidate.position) {
                    sources[signal] = candidate.name
                    return v
                }
                if let v = input.sum(candidate.total) {
                    sources[signal] = candidate.totalName
                    return v
                }
            }
            return nil
        }
        goroutines = read(.goroutines)
        threads = read(.threads)
        memory = read(.memory)
        heap = read(.heap)
        // Memory is measured against the limit whose crossing ends the process: a cgroup limit the service exports,
        // else the pod's (the kubelet's cgroup), else the first other the service exports; a Go soft limit passed
        // over is kept beside it.
        var exported: MemoryLimitSource?
        var soft: Double?
        for candidate in plan.limits {
            guard let v = input.sum(candidate.position), v > 0, v < Reading.goNoMemoryLimit else { continue }
            let kind = MemoryLimitSource(metric: candidate.name)
            if kind == .goSoftLimit, soft == nil { soft = v }
            if exported == nil || (kind == .container && exported != .container) {
                memoryLimit = v
                sources[.memoryLimit] = candidate.name
                exported = kind
            }
        }
        if let fixed = profile.memoryLimit,
            memoryLimit == nil || (profile.memoryLimitOrigin == .podSpec && exported != .container)
        {
            memoryLimit = fixed
            sources[.memoryLimit] = (profile.memoryLimitOrigin ?? .config).metricName
        }
        if let name = sources[.memoryLimit], MemoryLimitSource(metric: name) != .goSoftLimit { goSoftLimit = soft }
        inflight = read(.inflight)
        workersBusy = read(.workersBusy)
        workersMax = read(.workersMax)
        queueDepth = read(.queueDepth)
        queueCapacity = read(.queueCapacity)
        rejectedTotal = read(.rejected)
        dbInUse = read(.dbInUse)
        dbMaxOpen = read(.dbMaxOpen)
        dbWaitCount = read(.dbWaitCount)
        dbWaitDuration = read(.dbWaitDuration)
        startTime = read(.startTime)
        drainingGauge = read(.draining)
        readyGauge = read(.ready)
        for family in plan.gcFamilies where input.contains(family.position) || input.contains(family.count) {
            sources[.gcDuration] = family.name
            input.forEach(family.position) { s in
                if let q = s.labels.quantile { gcPauses[q] = s.value }
            }
            gcCount = input.sum(family.count)
            break
        }
        for family in plan.latencyFamilies {
            if input.contains(family.bucket) {
                sources[.latency] = family.name
                histogram = Reading.histogram(input, family, profile: profile)
                break
            }
            if input.contains(family.position) && input.contains(family.count) {
                sources[.latency] = family.name
                var quantiles: [Double: Double] = [:]
                input.forEach(family.position) { s in
                    guard profile.latencyHandler == nil || s.labels.handler == profile.latencyHandler else { return }
                    if let q = s.labels.quantile, s.value.isFinite {
                        quantiles[q] = max(quantiles[q] ?? 0, s.value)
                    }
                }
                latencySummary = quantiles
                var h = HistogramReading.Builder()
                Reading.addCounts(input, family, profile: profile, into: &h)
                histogram = h.reading()
                break
            }
        }
    }

    private static func histogram(
        _ input: ReadingInput, _ family: ReadingPlan.Family, profile: Profile
    )
        -> HistogramReading
    {
        var h = HistogramReading.Builder()
        input.forEach(family.bucket) { s in
            // A bound is one of the histogram's even when the series is another handler's than the one read.
            guard let le = s.labels.le else { return }
            let position = h.bound(le)
            let label = s.labels.handler
            if let only = profile.latencyHandler, label != only { return }
            h.addBucket(s.value, at: position, handler: label)
        }
        addCounts(input, family, profile: profile, into: &h)
        return h.reading()
    }

    private static func addCounts(
        _ input: ReadingInput, _ family: ReadingPlan.Family, profile: Profile, into h: inout HistogramReading.Builder
    ) {
        input.forEach(family.count) { s in
            let handler = s.labels.handler
            if let only = profile.latencyHandler, handler != only { return }
            h.addCount(s.value, isError: s.labels.isError, handler: handler)
        }
    }
}

extension Reading {
    /// Which metric name fed each signal: a table by the signal's place in `Signal.allCases`, made once per reading
    /// (a dictionary hashed every signal a scrape read, a few hundred thousand times a second at a thousand targets).
    public struct Sources: Sendable, Equatable, ExpressibleByDictionaryLiteral {
        /// Empty until a name is set.
        private var names: [String?] = []

        public init() {}

        public init(dictionaryLiteral elements: (Signal, String)...) {
            for (signal, name) in elements { self[signal] = name }
        }

        public subscript(signal: Signal) -> String? {
            get { signal.ordinal < names.count ? names[signal.ordinal] : nil }
            set {
                if names.isEmpty {
                    guard newValue != nil else { return }
                    names = [String?](repeating: nil, count: Signal.allCases.count)
                }
                names[signal.ordinal] = newValue
            }
        }

        public var isEmpty: Bool { !names.contains { $0 != nil } }

        public static func == (a: Sources, b: Sources) -> Bool {
            Signal.allCases.allSatisfy { a[$0] == b[$0] }
        }
    }
}
