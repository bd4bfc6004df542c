/// How the last scrape of an instance went.
public enum ScrapeStatus: Sendable, Equatable {
    /// Not scraped yet.
    case pending
    case up
    /// Answered, but took more than half the interval.
    case slow
    case down(ScrapeFailure)

    public var isUp: Bool {
        switch self {
        case .up, .slow: return true
        default: return false
        }
    }
}

/// Everything svctop knows about one instance: the last reading, history, derived values and health.
public struct InstanceState: Sendable {
    public let id: InstanceID
    public var target: Target
    public var status: ScrapeStatus = .pending
    public var reading: Reading?
    public var lastSuccess: Double?
    public var lastAttempt: Double?
    public var lastDuration: Double?
    public var consecutiveFailures = 0
    public var rejectedLines = 0
    public var lastParseError: ExpositionError?
    public var restarts = 0
    public var lastRestart: Double?
    public var health = Health()
    public var logLevel: String?
    public var logLevelError: String?
    public var drain: DrainProgress?
    /// The pod this instance is, when it comes from Kubernetes: phase, restarts, last termination, node.
    public var pod: Pod?
    /// When its pod was deleted (the row stays, marked gone, for a grace period).
    public var podGoneAt: Double?
    /// Whether a source's full history (every chart) has been loaded for this instance.
    public var hasFullHistory = false

    // History.
    public var goroutines: TimeSeries
    public var memory: TimeSeries
    public var heap: TimeSeries
    public var p50: TimeSeries
    public var p90: TimeSeries
    public var p99: TimeSeries
    public var requestRate: TimeSeries
    public var errorRatio: TimeSeries
    public var poolUtilization: TimeSeries
    public var dbUtilization: TimeSeries
    /// The counters whose rates over the latency window are shown (rejections, DB connection waits).
    public var rejectedTotal = CounterWindow()
    public var dbWaitCount = CounterWindow()
    public var dbWaitDuration = CounterWindow()
    public var latencyWindow: LatencyWindow

    // Derived at each scrape.
    public var latency = LatencySummary()
    /// Latency per handler over the window, computed when asked (only the instance view's breakdown shows it;
    /// computing it at every scrape was half the cost of ingesting one).
    public var handlers: [HandlerLatency] {
        target.sourceKey == nil ? latencyWindow.byHandler() : sourceHandlers?.handlers ?? []
    }
    /// The latency by handler its source computed, for an instance from a source (nil until asked and answered).
    public var sourceHandlers: SourceHandlers?
    /// Whether the latency histogram has a handler label to break down by.
    public var hasHandlerBreakdown: Bool { latencyWindow.hasHandlers }
    public var goroutineTrend: Trend?
    public var memoryTrend: Trend?
    /// The lines behind the two trends, kept as scrapes arrive.
    private var goroutineWindow = TrendWindow()
    private var memoryWindow = TrendWindow()
    public var isLeakSuspected = false
    /// When memory reaches its limit at its current growth (nil when it is not growing towards one).
    public var oom: OOMEstimate?
    public var rejectedRate: Double?
    public var dbWaitRate: Double?
    public var dbAverageWait: Double?
    /// The last assessment (`assess`), refreshed by the reducer whenever the instance or the clock changes.
    public var severity = Severity.ok
    public var reasons: [String] = []

    public init(id: InstanceID, target: Target, settings: Settings) {
        self.id = id
        self.target = target
        let capacity = settings.fullResolutionCapacity
        let thinned = settings.seriesThinning
        goroutines = TimeSeries(capacity: capacity, thinned: thinned)
        memory = TimeSeries(capacity: capacity, thinned: thinned)
        heap = TimeSeries(capacity: capacity, thinned: thinned)
        // Derived values, only charted: 12 bits of mantissa (a relative error under 1.3e-4) are finer than a chart
        // or a figure shows, and they end on a byte: a point whose exponent holds changes at most two bytes, where
        // 16 bits changed up to three.
        let derived = InstanceState.derivedSeriesBits
        p50 = TimeSeries(capacity: capacity, significantBits: derived, thinned: thinned)
        p90 = TimeSeries(capacity: capacity, significantBits: derived, thinned: thinned)
        p99 = TimeSeries(capacity: capacity, significantBits: derived, thinned: thinned)
        requestRate = TimeSeries(capacity: capacity, significantBits: derived, thinned: thinned)
        errorRatio = TimeSeries(capacity: capacity, significantBits: derived, thinned: thinned)
        poolUtilization = TimeSeries(capacity: capacity, significantBits: derived, thinned: thinned)
        dbUtilization = TimeSeries(capacity: capacity, significantBits: derived, thinned: thinned)
        latencyWindow = LatencyWindow(window: settings.latencyWindow)
    }

    public var name: String { target.name }

    /// Mantissa bits kept in the history of derived series (quantiles, rates, ratios, utilisations).
    public static let derivedSeriesBits = 12

    /// Memory used over its limit, when both are known.
    public var memoryRatio: Double? {
        guard let used = reading?.memory, let limit = reading?.memoryLimit, limit > 0 else { return nil }
        return used / limit
    }

    /// Busy workers over the pool size.
    public var poolRatio: Double? {
        guard let busy = reading?.workersBusy, let max = reading?.workersMax, max > 0 else { return nil }
        return busy / max
    }

    /// Queue depth over its capacity.
    public var queueRatio: Double? {
        guard let depth = reading?.queueDepth, let cap = reading?.queueCapacity, cap > 0 else { return nil }
        return depth / cap
    }

    /// DB connections in use over the maximum.
    public var dbRatio: Double? {
        guard let used = reading?.dbInUse, let max = reading?.dbMaxOpen, max > 0 else { return nil }
        return used / max
    }

    /// Seconds since the last good scrape.
    public func age(now: Double) -> Double? { lastSuccess.map { now - $0 } }

    /// True when the last good data is older than the stale threshold (or there never was any).
    public func isStale(now: Double, settings: Settings) -> Bool {
        guard let age = age(now: now) else { return true }
        return age > settings.interval * settings.staleAfterIntervals
    }

    /// Records a successful scrape at `now` and recomputes everything derived from it.
    public mutating func ingest(_ metrics: MetricSet, duration: Double, now: Double, settings: Settings) {
        ingest(
            Reading(metrics: metrics, profile: target.profile), rejectedLines: metrics.rejectedLines,
            parseError: metrics.firstError, duration: duration, now: now, settings: settings)
    }

    /// Records a scrape already mapped to a reading (a recording's), as `ingest(_:duration:now:settings:)` does.
    public mutating func ingest(
        _ reading: Reading, rejectedLines: Int, parseError: ExpositionError?, duration: Double, now: Double,
        settings: Settings
    ) {
        self.rejectedLines = rejectedLines
        lastParseError = parseError
        record(reading, latency: nil, now: now, settings: settings)
        lastDuration = duration
        status = duration > settings.interval * 0.5 ? .slow : .up
    }

    /// Records what a source said at `now` (the refresh's time): its reading, and latency the server computed.
    /// The data's age is the server's: the last time it scraped the instance, when it says.
    public mutating func ingest(_ sample: SourceSample, duration: Double, now: Double, settings: Settings) {
        record(sample.reading, latency: sample.latency, now: now, settings: settings)
        if let seen = sample.seen { lastSuccess = min(now, seen) }
        lastDuration = duration
        status = sample.up == 0 ? .down(.sourceDown) : .up
        // The server does not probe: the gauges the service exports are the readiness and draining it knows (an
        // undrained service clears it, unless svctop's own drain is under way).
        if let draining = sample.reading.drainingGauge, drain == nil || drain?.phase == .failed {
            health.isDraining = draining > 0
        }
        if let ready = sample.reading.readyGauge {
            let name = sample.reading.sources[.ready] ?? "readiness gauge"
            health.record(
                .readiness,
                ProbeResult(isPassing: ready > 0, status: nil, detail: "\(name) \(ByteFormat.count(ready))"), now: now)
        }
    }

    /// The instance's series are gone from its source: it stays, with its last values, marked gone.
    public mutating func markGone(now: Double) {
        if status != .down(.gone) { consecutiveFailures = 0 }
        status = .down(.gone)
        lastAttempt = now
        consecutiveFailures += 1
    }

    /// Points a source had before svctop started, put before the ones recorded since, then the trends again.
    public mutating func backfill(_ history: [PromQueries.Tag: [TimeSeries.Point]], now: Double, settings: Settings) {
        for (tag, points) in history {
            switch tag {
            case .signal(.goroutines): goroutines.backfill(points)
            case .signal(.memory): memory.backfill(points)
            case .signal(.heap): heap.backfill(points)
            case .p50: p50.backfill(points)
            case .p90: p90.backfill(points)
            case .p99: p99.backfill(points)
            case .rate: requestRate.backfill(points)
            case .errors: errorRatio.backfill(points)
            default: break
            }
        }
        func ratio(_ part: PromQueries.Tag, _ whole: PromQueries.Tag) -> [TimeSeries.Point] {
            guard let parts = history[part], let wholes = history[whole] else { return [] }
            var byTime: [Double: Double] = [:]
            for p in wholes where p.value > 0 { byTime[p.time] = p.value }
            return parts.compactMap { p in byTime[p.time].map { TimeSeries.Point(time: p.time, value: p.value / $0) } }
        }
        poolUtilization.backfill(ratio(.signal(.workersBusy), .signal(.workersMax)))
        dbUtilization.backfill(ratio(.signal(.dbInUse), .signal(.dbMaxOpen)))
        updateTrends(now: now, settings: settings)
    }

    /// Records a reading; latency is the given one (a source's) or computed from the reading's histogram.
    mutating func record(_ new: Reading, latency given: LatencySummary?, now: Double, settings: Settings) {
        if let old = reading, InstanceState.looksRestarted(old: old, new: new) {
            restarts += 1
            lastRestart = now
            latencyWindow.removeAll()
        }
        reading = new
        lastSuccess = now
        lastAttempt = now
        consecutiveFailures = 0

        if let v = new.goroutines { goroutines.append(time: now, value: v) }
        if let v = new.memory { memory.append(time: now, value: v) }
        if let v = new.heap { heap.append(time: now, value: v) }
        if let r = poolRatio { poolUtilization.append(time: now, value: r) }
        if let r = dbRatio { dbUtilization.append(time: now, value: r) }
        if let given {
            latency = given
        } else if let h = new.histogram {
            latencyWindow.add(time: now, reading: h)
            latency = latencyWindow.summary(summaryQuantiles: new.latencySummary)
        }
        if given != nil || new.histogram != nil {
            if let v = latency.p50 { p50.append(time: now, value: v) }
            if let v = latency.p90 { p90.append(time: now, value: v) }
            if let v = latency.p99 { p99.append(time: now, value: v) }
            if let v = latency.rate { requestRate.append(time: now, value: v) }
            if let v = latency.errorRatio { errorRatio.append(time: now, value: v) }
        }
        let since = now - max(settings.latencyWindow, settings.interval * 2)
        if let v = new.rejectedTotal {
            rejectedTotal.add(time: now, value: v, since: since)
            rejectedRate = rejectedTotal.rate
        }
        if let c = new.dbWaitCount {
            dbWaitCount.add(time: now, value: c, since: since)
            dbWaitRate = dbWaitCount.rate
            if let d = new.dbWaitDuration {
                dbWaitDuration.add(time: now, value: d, since: since)
                let waits = dbWaitCount.increase
                dbAverageWait = waits > 0 ? dbWaitDuration.increase / waits : nil
            }
        }
        if (new.drainingGauge ?? 0) > 0 { health.isDraining = true }
        updateTrends(now: now, settings: settings)
    }

    /// Records a failed scrape.
    public mutating func recordFailure(_ failure: ScrapeFailure, now: Double) {
        status = .down(failure)
        lastAttempt = now
        consecutiveFailures += 1
    }

    mutating func updateTrends(now: Double, settings: Settings) {
        let first: TimeSeries.Point?
        (goroutineTrend, first) = goroutineWindow.update(goroutines, since: now - settings.leakWindow)
        if let t = goroutineTrend, let first {
            let rise = t.current - first.value
            isLeakSuspected =
                t.span >= min(60, settings.leakWindow / 2) && t.slopePerMinute >= settings.leakMinSlopePerMinute
                && t.fit >= settings.leakMinFit && rise > max(10, first.value * 0.05)
        } else {
            isLeakSuspected = false
        }
        memoryTrend = memoryWindow.update(memory, since: now - settings.memoryTrendWindow).trend
        if let limit = reading?.memoryLimit, let last = memory.last {
            let source = MemoryLimitSource(metric: reading?.sources[.memoryLimit] ?? "memory_limit")
            oom = OOMEstimate.estimate(
                trend: memoryTrend, at: last.time,
                recent: memory.points(since: now - min(OOMEstimate.levelWindow, settings.memoryTrendWindow)),
                heap: heap.points(since: now - settings.memoryTrendWindow), limit: limit, source: source)
        } else {
            oom = nil
        }
    }

    /// A restart shows as a new process start time, or as counters going down.
    static func looksRestarted(old: Reading, new: Reading) -> Bool {
        if let a = old.startTime, let b = new.startTime, a > 0, b > 0 { return b > a + 0.5 }
        if let a = old.histogram?.count, let b = new.histogram?.count, b < a { return true }
        if let a = old.rejectedTotal, let b = new.rejectedTotal, b < a { return true }
        if let a = old.gcCount, let b = new.gcCount, b < a { return true }
        return false
    }

    /// Refreshes `severity` and `reasons`.
    public mutating func reassess(now: Double, settings: Settings) {
        (severity, reasons) = assess(now: now, settings: settings)
    }

    /// How bad this instance looks now, and why (most important reason first).
    public func assess(now: Double, settings: Settings) -> (severity: Severity, reasons: [String]) {
        var reasons: [String] = []
        var severity = Severity.ok
        func raise(_ s: Severity, _ reason: String) {
            if s > severity { severity = s }
            reasons.append(reason)
        }
        if let gone = podGoneAt {
            raise(.down, "pod deleted \(ByteFormat.span(now - gone)) ago (last values shown)")
        } else if case .down(let failure) = status {
            raise(.down, "down: \(failure)")
        } else if status == .pending {
            return (.ok, ["waiting for the first scrape"])
        }
        if health.isLive == false { raise(.down, "liveness failing") }
        if health.isReady == false && !health.isDraining { raise(.critical, "not ready") }
        if let r = memoryRatio {
            if r >= settings.memoryCritical {
                raise(.critical, "memory at \(ByteFormat.percent(r)) of limit")
            } else if r >= settings.memoryWarning {
                raise(.warning, "memory at \(ByteFormat.percent(r)) of limit")
            }
        }
        if let oom, oom.remaining(now: now) < 15 * 60 {
            raise(oom.remaining(now: now) < 5 * 60 ? .critical : .warning, "OOM in \(oom.text(now: now))")
        }
        if isLeakSuspected, let t = goroutineTrend {
            raise(.warning, "possible goroutine leak (+\(ByteFormat.count(t.slopePerMinute))/min)")
        }
        if let e = latency.errorRatio {
            if e >= settings.errorCritical {
                raise(.critical, "errors \(ByteFormat.percent(e))")
            } else if e >= settings.errorWarning {
                raise(.warning, "errors \(ByteFormat.percent(e))")
            }
        }
        for (label, ratio) in [("worker pool", poolRatio), ("queue", queueRatio), ("DB pool", dbRatio)] {
            guard let r = ratio else { continue }
            if r >= settings.poolCritical {
                raise(.critical, "\(label) saturated (\(ByteFormat.percent(r)))")
            } else if r >= settings.poolWarning {
                raise(.warning, "\(label) at \(ByteFormat.percent(r))")
            }
        }
        if status == .slow { raise(.warning, "slow scrape") }
        if isStale(now: now, settings: settings), status.isUp { raise(.warning, "stale data") }
        if rejectedLines > 0 { raise(.warning, "\(rejectedLines) exposition lines rejected") }
        if let pod, let end = pod.lastTermination, podGoneAt == nil, now - (end.finishedAt ?? now) < 3600 {
            // The container died within the hour (OOMKilled, Error): the restart the pod survived is news.
            let restarts = pod.restarts == 1 ? "1 restart" : "\(pod.restarts) restarts"
            raise(
                end.reason == "Completed" ? .ok : .warning,
                "\(end.text(now: now)) (exit \(end.exitCode), \(restarts))")
        }
        return (severity, reasons)
    }
}
