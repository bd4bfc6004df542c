import DequeModule

/// Computes PromQL-style quantiles over the last `window` seconds from the bucket increases across the scrapes in
/// it (`histogram_quantile(q, sum by (le) (increase(x_bucket[window])))`), with counter resets handled per bucket,
/// for the whole histogram and per handler.
///
/// Each scrape is kept as its increases over the scrape before, one number per cell (a bucket of the totals, the
/// totals' count or 5xx count, or the same for one handler), none where the scrape did not carry the cell, packed
/// (`Increases`): a bucket's new observations in an interval are a small whole number, a byte or two. The window's
/// total increase is a running sum: added when a scrape arrives, subtracted when it leaves, so a scrape costs
/// O(cells), not O(window × cells). Only the newest reading is kept whole (the next increase is taken from it).
public struct LatencyWindow: Sendable {
    public var window: Double
    private var last: HistogramReading?
    /// The scrapes in the window, oldest first; the first is the window's base (its increases are not counted).
    private var entries: Deque<(time: Double, increases: Increases)> = []
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
        entries.append((time, Increases(increases)))
        // Keep one scrape at or before the window's start so the window is fully covered; the new first scrape
        // becomes the base, so its increases leave the total.
        while entries.count > 2 && entries[1].time <= time - window {
            entries.removeFirst()
            entries[0].increases.forEach { i, value in total[i] -= value }
            entries[0].increases = Increases([])
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
        for entry in entries { entry.increases.forEach { i, _ in keep[i] = true } }
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
        for e in entries.indices {
            entries[e].increases = Increases(remap(entries[e].increases.values(count: cells.count), .nan))
        }
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
            entry.increases.forEach { i, value in
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

    /// One scrape's increases, one per cell, packed as varints: 0 for a cell the scrape did not carry (NaN), 2n + 1
    /// for a whole number n (below 2^53), 2 followed by the 8 bytes of any other value. Read back exactly.
    struct Increases: Sendable {
        private let bytes: [UInt8]

        init(_ values: [Double]) {
            var out: [UInt8] = []
            out.reserveCapacity(values.count * 2)
            for value in values {
                if value.isNaN {
                    out.append(0)
                } else if value >= 0, value < 9.0e15, value == value.rounded(.towardZero) {
                    TimeSeries.varint(UInt64(value) * 2 + 1, &out)
                } else {
                    out.append(2)
                    let bits = value.bitPattern
                    for shift in stride(from: 0, to: 64, by: 8) {
                        out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
                    }
                }
            }
            bytes = TimeSeries.exactCopy(out)
        }

        /// The bytes the increases take (for tests).
        var byteCount: Int { bytes.count }

        /// Calls `body` with each carried cell's position and increase, in order.
        func forEach(_ body: (Int, Double) -> Void) {
            bytes.withUnsafeBufferPointer { b in
                var at = 0
                var cell = 0
                while at < b.count {
                    let v = TimeSeries.readVarint(b, &at)
                    if v == 2 {
                        var bits: UInt64 = 0
                        for k in 0..<8 { bits |= UInt64(b[at + k]) << UInt64(k * 8) }
                        at += 8
                        body(cell, Double(bitPattern: bits))
                    } else if v & 1 == 1 {
                        body(cell, Double(v >> 1))
                    }
                    cell += 1
                }
            }
        }

        /// The increases as one number per cell, NaN where none, for `count` cells.
        func values(count: Int) -> [Double] {
            var out = [Double](repeating: .nan, count: count)
            forEach { i, value in if i < count { out[i] = value } }
            return out
        }
    }
}
