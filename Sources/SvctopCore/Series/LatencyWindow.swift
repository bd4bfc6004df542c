import DequeModule

/// Keeps the histogram readings of the last `window` seconds and computes PromQL-style quantiles from the bucket
/// increases across them (`histogram_quantile(q, sum by (le) (increase(x_bucket[window])))`), with counter resets
/// handled per bucket. Memory: one reading per scrape within the window.
public struct LatencyWindow: Sendable {
    public var window: Double
    private var readings: Deque<(time: Double, reading: HistogramReading)> = []

    public init(window: Double = 30) { self.window = window }

    public mutating func add(time: Double, reading: HistogramReading) {
        readings.append((time, reading))
        // Keep one reading at or before the window's start so the window is fully covered.
        while readings.count > 2 && readings[1].time <= time - window { readings.removeFirst() }
    }

    public mutating func removeAll() { readings.removeAll() }

    /// The summary over the window; nil quantiles when nothing was observed in it.
    public func summary(summaryQuantiles: [Double: Double]? = nil) -> LatencySummary {
        guard readings.count >= 2, let first = readings.first, let last = readings.last, last.time > first.time else {
            return LatencySummary(
                p50: summaryQuantiles?[0.5], p90: summaryQuantiles?[0.9], p99: summaryQuantiles?[0.99])
        }
        var buckets: [Double: Double] = [:]
        var count = 0.0
        var errors = 0.0
        for i in 1..<readings.count {
            let previous = readings[i - 1].reading
            let current = readings[i].reading
            LatencyWindow.addIncrease(from: previous.buckets, to: current.buckets, into: &buckets)
            count += CounterMath.increase(from: previous.count, to: current.count)
            errors += CounterMath.increase(from: previous.errorCount, to: current.errorCount)
        }
        let elapsed = last.time - first.time
        return LatencyWindow.summarize(
            buckets: buckets, count: count, errors: errors, elapsed: elapsed, summaryQuantiles: summaryQuantiles)
    }

    /// The per-handler summaries over the window, busiest first.
    /// Whether the newest reading carries a handler label.
    public var hasHandlers: Bool {
        guard let last = readings.last?.reading else { return false }
        return !last.bucketsByHandler.isEmpty || !last.countByHandler.isEmpty
    }

    public func byHandler() -> [HandlerLatency] {
        guard readings.count >= 2, let first = readings.first, let last = readings.last, last.time > first.time else {
            return []
        }
        var buckets: [String: [Double: Double]] = [:]
        var counts: [String: (Double, Double)] = [:]
        for i in 1..<readings.count {
            let previous = readings[i - 1].reading
            let current = readings[i].reading
            for (handler, cur) in current.bucketsByHandler {
                LatencyWindow.addIncrease(
                    from: previous.bucketsByHandler[handler] ?? [:], to: cur, into: &buckets[handler, default: [:]])
            }
            for (handler, cur) in current.countByHandler {
                let prev = previous.countByHandler[handler] ?? cur
                var entry = counts[handler] ?? (0, 0)
                entry.0 += CounterMath.increase(from: prev.count, to: cur.count)
                entry.1 += CounterMath.increase(from: prev.errors, to: cur.errors)
                counts[handler] = entry
            }
        }
        let elapsed = last.time - first.time
        let handlers = Set(buckets.keys).union(counts.keys)
        return handlers.map { handler in
            let (count, errors) = counts[handler] ?? (0, 0)
            return HandlerLatency(
                handler: handler,
                summary: LatencyWindow.summarize(
                    buckets: buckets[handler] ?? [:], count: count, errors: errors, elapsed: elapsed,
                    summaryQuantiles: nil))
        }.sorted { ($0.summary.rate ?? 0, $1.handler) > ($1.summary.rate ?? 0, $0.handler) }
    }

    private static func addIncrease(
        from previous: [Double: Double], to current: [Double: Double], into sum: inout [Double: Double]
    ) {
        for (le, value) in current {
            guard let before = previous[le] else {
                sum[le, default: 0] += 0
                continue
            }
            sum[le, default: 0] += CounterMath.increase(from: before, to: value)
        }
    }

    private static func summarize(
        buckets: [Double: Double], count: Double, errors: Double, elapsed: Double, summaryQuantiles: [Double: Double]?
    ) -> LatencySummary {
        let list = buckets.map { Bucket(upperBound: $0.key, count: $0.value) }
        func q(_ v: Double) -> Double? {
            if let s = summaryQuantiles?[v] { return s.isFinite ? s : nil }
            guard let r = HistogramQuantile.quantile(v, buckets: list), r.isFinite || r == .infinity else { return nil }
            return r
        }
        return LatencySummary(
            p50: q(0.5), p90: q(0.9), p99: q(0.99),
            rate: elapsed > 0 ? count / elapsed : nil,
            errorRatio: count > 0 ? errors / count : nil)
    }
}
