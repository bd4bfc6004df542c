import DequeModule

/// Computes PromQL-style quantiles over the last `window` seconds from the bucket increases across the scrapes in
/// it (`histogram_quantile(q, sum by (le) (increase(x_bucket[window])))`), with counter resets handled per bucket,
/// for the whole histogram and per handler.
///
/// Each scrape is kept as its increases over the scrape before, one number per cell (a bucket of the totals, the
/// totals' count or 5xx count, or the same for one handler), NaN where the scrape did not carry the cell: about 8
/// bytes a series, where a whole reading's dictionaries took five times that. The window's total increase is a
/// running sum: added when a scrape arrives, subtracted when it leaves, so a scrape costs O(cells), not
/// O(window × cells). Only the newest reading is kept whole (the next increase is taken from it).
public struct LatencyWindow: Sendable {
    public var window: Double
    private var last: HistogramReading?
    /// The scrapes in the window, oldest first; the first is the window's base (its increases are not counted).
    private var entries: Deque<(time: Double, increases: [Double])> = []
    private var cells: [Cell] = []
    private var cellIndex: [Cell: Int] = [:]
    /// The sum of the increases of every entry but the first, per cell.
    private var total: [Double] = []
    /// Cells of the totals that a counted entry ever carried (a bucket stays a bound of the histogram once seen).
    private var present: [Bool] = []
    /// Cells come and go with handlers: past this many, those no scrape in the window carries are dropped.
    private var compactAt = 1_024

    /// What one position of an increases array is. Bounds are kept by bit pattern (a NaN bound is one cell).
    enum Cell: Hashable {
        case bucket(UInt64), count, errors
        /// A handler's marker (its bucket dictionary was there), a bucket, and its counts.
        case handler(String), handlerBucket(String, UInt64), handlerCount(String), handlerErrors(String)
    }

    public init(window: Double = 30) { self.window = window }

    public mutating func add(time: Double, reading: HistogramReading) {
        var increases: [Double] = []
        if let previous = last {
            increases = [Double](repeating: .nan, count: cells.count)
            for (le, value) in reading.buckets {
                let increase = previous.buckets[le].map { CounterMath.increase(from: $0, to: value) } ?? 0
                set(.bucket(le.bitPattern), increase, in: &increases)
            }
            set(.count, CounterMath.increase(from: previous.count, to: reading.count), in: &increases)
            set(.errors, CounterMath.increase(from: previous.errorCount, to: reading.errorCount), in: &increases)
            for (handler, current) in reading.bucketsByHandler {
                set(.handler(handler), 0, in: &increases)
                let before = previous.bucketsByHandler[handler] ?? [:]
                for (le, value) in current {
                    let increase = before[le].map { CounterMath.increase(from: $0, to: value) } ?? 0
                    set(.handlerBucket(handler, le.bitPattern), increase, in: &increases)
                }
            }
            for (handler, current) in reading.countByHandler {
                let before = previous.countByHandler[handler] ?? current
                set(.handlerCount(handler), CounterMath.increase(from: before.count, to: current.count), in: &increases)
                set(
                    .handlerErrors(handler), CounterMath.increase(from: before.errors, to: current.errors),
                    in: &increases)
            }
            for (i, value) in increases.enumerated() where !value.isNaN {
                total[i] += value
                present[i] = true
            }
        }
        last = reading
        entries.append((time, increases))
        // Keep one scrape at or before the window's start so the window is fully covered; the new first scrape
        // becomes the base, so its increases leave the total.
        while entries.count > 2 && entries[1].time <= time - window {
            entries.removeFirst()
            for (i, value) in entries[0].increases.enumerated() where !value.isNaN { total[i] -= value }
            entries[0].increases = []
        }
        if cells.count >= compactAt {
            compact()
            compactAt = max(1_024, 2 * cells.count)
        }
    }

    /// Sets `cell`'s increase, adding the cell when it is new.
    private mutating func set(_ cell: Cell, _ value: Double, in increases: inout [Double]) {
        let i: Int
        if let known = cellIndex[cell] {
            i = known
        } else {
            i = cells.count
            cellIndex[cell] = i
            cells.append(cell)
            total.append(0)
            present.append(false)
            increases.append(.nan)
        }
        increases[i] = value
    }

    /// Drops the cells no scrape in the window carries (handlers that came and went), keeping the totals' bounds.
    private mutating func compact() {
        var keep = [Bool](repeating: false, count: cells.count)
        for (i, cell) in cells.enumerated() {
            switch cell {
            case .bucket, .count, .errors: keep[i] = present[i] || total[i] != 0
            default: break
            }
        }
        for entry in entries { for (i, value) in entry.increases.enumerated() where !value.isNaN { keep[i] = true } }
        var map = [Int](repeating: -1, count: cells.count)
        var kept: [Cell] = []
        for i in cells.indices where keep[i] {
            map[i] = kept.count
            kept.append(cells[i])
        }
        func remap<T>(_ values: [T], _ fill: T) -> [T] {
            var out = [T](repeating: fill, count: kept.count)
            for (i, value) in values.enumerated() where map[i] >= 0 { out[map[i]] = value }
            return out
        }
        for e in entries.indices { entries[e].increases = remap(entries[e].increases, .nan) }
        total = remap(total, 0)
        present = remap(present, false)
        cells = kept
        cellIndex = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
    }

    public mutating func removeAll() {
        last = nil
        entries.removeAll()
        cells.removeAll()
        cellIndex.removeAll()
        total.removeAll()
        present.removeAll()
        compactAt = 1_024
    }

    /// The summary over the window; nil quantiles when nothing was observed in it.
    public func summary(summaryQuantiles: [Double: Double]? = nil) -> LatencySummary {
        guard entries.count >= 2, let first = entries.first, let newest = entries.last, newest.time > first.time else {
            return LatencySummary(
                p50: summaryQuantiles?[0.5], p90: summaryQuantiles?[0.9], p99: summaryQuantiles?[0.99])
        }
        // Subtracting what left the window can leave rounding dust below zero: counts never are.
        var buckets: [Double: Double] = [:]
        var count = 0.0
        var errors = 0.0
        for (i, cell) in cells.enumerated() {
            switch cell {
            case .bucket(let le) where present[i]: buckets[Double(bitPattern: le)] = max(0, total[i])
            case .count: count = max(0, total[i])
            case .errors: errors = max(0, total[i])
            default: break
            }
        }
        return LatencyWindow.summarize(
            buckets: buckets, count: count, errors: errors, elapsed: newest.time - first.time,
            summaryQuantiles: summaryQuantiles)
    }

    /// Whether the newest reading carries a handler label.
    public var hasHandlers: Bool {
        guard let last else { return false }
        return !last.bucketsByHandler.isEmpty || !last.countByHandler.isEmpty
    }

    /// The per-handler summaries over the window, busiest first.
    public func byHandler() -> [HandlerLatency] {
        guard entries.count >= 2, let first = entries.first, let newest = entries.last, newest.time > first.time else {
            return []
        }
        var buckets: [String: [Double: Double]] = [:]
        var counts: [String: (Double, Double)] = [:]
        for entry in entries.dropFirst() {
            for (i, value) in entry.increases.enumerated() where !value.isNaN {
                switch cells[i] {
                case .handler(let handler): if buckets[handler] == nil { buckets[handler] = [:] }
                case .handlerBucket(let handler, let le):
                    buckets[handler, default: [:]][Double(bitPattern: le), default: 0] += value
                case .handlerCount(let handler): counts[handler, default: (0, 0)].0 += value
                case .handlerErrors(let handler): counts[handler, default: (0, 0)].1 += value
                default: break
                }
            }
        }
        let elapsed = newest.time - first.time
        let handlers = Set(buckets.keys).union(counts.keys)
        return handlers.map { handler in
            let (count, errors) = counts[handler] ?? (0, 0)
            return HandlerLatency(
                handler: handler,
                summary: LatencyWindow.summarize(
                    buckets: buckets[handler] ?? [:], count: count, errors: errors, elapsed: elapsed,
                    summaryQuantiles: nil))
        }.sorted(by: HandlerLatency.busiestFirst)
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
