import DequeModule

/// Keeps the histogram readings of the last `window` seconds and computes PromQL-style quantiles from the bucket
/// increases across them (`histogram_quantile(q, sum by (le) (increase(x_bucket[window])))`), with counter resets
/// handled per bucket. Memory: one reading per scrape within the window.
///
/// The window's total increase is kept as a running sum: each reading carries its increase over the one before,
/// added when it arrives and subtracted when it leaves, so a scrape costs O(buckets), not O(window × buckets).
public struct LatencyWindow: Sendable {
    public var window: Double
    private var readings: Deque<(time: Double, reading: HistogramReading, increase: Increase)> = []
    /// The sum of the increases of every reading but the first (the window's base).
    private var total = Increase()

    /// Bucket, count and 5xx increases between two readings (or summed over a window).
    struct Increase: Sendable {
        var buckets: [Double: Double] = [:]
        var count = 0.0
        var errors = 0.0

        init() {}

        init(from previous: HistogramReading, to current: HistogramReading) {
            LatencyWindow.addIncrease(from: previous.buckets, to: current.buckets, into: &buckets)
            count = CounterMath.increase(from: previous.count, to: current.count)
            errors = CounterMath.increase(from: previous.errorCount, to: current.errorCount)
        }

        mutating func add(_ other: Increase, sign: Double = 1) {
            for (le, value) in other.buckets { buckets[le, default: 0] += sign * value }
            count += sign * other.count
            errors += sign * other.errors
        }
    }

    public init(window: Double = 30) { self.window = window }

    public mutating func add(time: Double, reading: HistogramReading) {
        let increase = readings.last.map { Increase(from: $0.reading, to: reading) } ?? Increase()
        total.add(increase)
        readings.append((time, reading, increase))
        // Keep one reading at or before the window's start so the window is fully covered; the new first reading
        // becomes the base, so its increase leaves the total.
        while readings.count > 2 && readings[1].time <= time - window {
            readings.removeFirst()
            total.add(readings[0].increase, sign: -1)
            readings[0].increase = Increase()
        }
    }

    public mutating func removeAll() {
        readings.removeAll()
        total = Increase()
    }

    /// The summary over the window; nil quantiles when nothing was observed in it.
    public func summary(summaryQuantiles: [Double: Double]? = nil) -> LatencySummary {
        guard readings.count >= 2, let first = readings.first, let last = readings.last, last.time > first.time else {
            return LatencySummary(
                p50: summaryQuantiles?[0.5], p90: summaryQuantiles?[0.9], p99: summaryQuantiles?[0.99])
        }
        // Subtracting what left the window can leave rounding dust below zero: counts never are.
        let buckets = total.buckets.mapValues { max(0, $0) }
        let elapsed = last.time - first.time
        return LatencyWindow.summarize(
            buckets: buckets, count: max(0, total.count), errors: max(0, total.errors), elapsed: elapsed,
            summaryQuantiles: summaryQuantiles)
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

    fileprivate static func addIncrease(
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
