import DequeModule
import Synchronization

/// Computes PromQL-style quantiles over the last `window` seconds from the bucket increases across the scrapes in
/// it (`histogram_quantile(q, sum by (le) (increase(x_bucket[window])))`), with counter resets handled per bucket,
/// for the whole histogram and per handler.
///
/// Each scrape is kept as its increases over the scrape before, one number per cell (a bucket of the totals, the
/// totals' count or 5xx count, or the same for one handler), none where the scrape did not carry the cell, packed
/// (`Increases`): a bucket's new observations in an interval are a small whole number, a byte or two. The window's
/// total increase is a running sum: added when a scrape arrives, subtracted when it leaves, so a scrape costs
/// O(cells), not O(window × cells). Only the newest reading is kept whole (the next increase is taken from it).
///
/// What each position means (the cells and the index to find one) is a `Layout` shared by every window that saw
/// the same cells: new cells of a scrape are added in one canonical order, so the instances of one service, whose
/// histograms have the same handlers and bounds, end up with one layout between them instead of one each.
public struct LatencyWindow: Sendable {
    public var window: Double
    private var last: HistogramReading?
    /// The scrapes in the window, oldest first; the first is the window's base (its increases are not counted).
    private var entries: Deque<(time: Double, increases: Increases)> = []
    private var layout = Layout.empty
    private var cells: [Cell] { layout.cells }
    /// The layout this window holds (for tests).
    var sharedLayout: Layout { layout }
    /// The sum of the increases of every entry but the first, per cell.
    private var total: [Double] = []
    /// Cells of the totals that a counted entry ever carried (a bucket stays a bound of the histogram once seen).
    private var present: [Bool] = []
    /// The cell of each value of the newest reading (by `walk`'s slots; -1 where it carried none): the next reading
    /// of the same shape sets its increases by these positions without looking its cells up.
    private var positions: [Int32] = []
    /// Cells come and go with handlers: past this many, those no scrape in the window carries are dropped.
    private var compactAt = 1_024

    /// What one position of an increases array is. Bounds are kept by bit pattern (a NaN bound is one cell).
    enum Cell: Hashable {
        case bucket(UInt64), count, errors
        /// A handler's marker (its bucket dictionary was there), a bucket, and its counts.
        case handler(String), handlerBucket(String, UInt64), handlerCount(String), handlerErrors(String)

        /// An order of cells that depends on them alone (not on a dictionary's walk): the totals' cells, then
        /// each handler's.
        static func precedes(_ a: Cell, _ b: Cell) -> Bool {
            a.sortKey.handler != b.sortKey.handler
                ? a.sortKey.handler < b.sortKey.handler
                : (a.sortKey.kind, a.sortKey.bound) < (b.sortKey.kind, b.sortKey.bound)
        }

        private var sortKey: (handler: String, kind: Int, bound: UInt64) {
            switch self {
            case .count: return ("", 0, 0)
            case .errors: return ("", 1, 0)
            case .bucket(let le): return ("", 2, le)
            case .handler(let h): return ("\u{1}" + h, 0, 0)
            case .handlerCount(let h): return ("\u{1}" + h, 1, 0)
            case .handlerErrors(let h): return ("\u{1}" + h, 2, 0)
            case .handlerBucket(let h, let le): return ("\u{1}" + h, 3, le)
            }
        }
    }

    /// The cells of a window in position order, and each one's position. Immutable, and shared: `interned`
    /// returns the one layout of a list of cells that some window still holds.
    final class Layout: Sendable {
        let cells: [Cell]
        let index: [Cell: Int]

        private init(_ cells: [Cell]) {
            self.cells = cells
            var index: [Cell: Int] = [:]
            index.reserveCapacity(cells.count)
            for (i, cell) in cells.enumerated() where index[cell] == nil { index[cell] = i }
            self.index = index
        }

        static let empty = Layout([])

        private struct Held: Sendable {
            weak var layout: Layout?
        }

        /// The layouts some window holds, by their cells (released layouts are swept out as the table grows).
        private static let table = Mutex<(held: [[Cell]: Held], sweepAt: Int)>(([:], 64))

        /// The layout of `cells`: the one already held by a window, or a new one.
        static func interned(_ cells: [Cell]) -> Layout {
            if cells.isEmpty { return empty }
            return table.withLock { table in
                if let known = table.held[cells]?.layout { return known }
                let layout = Layout(cells)
                table.held[cells] = Held(layout: layout)
                if table.held.count >= table.sweepAt {
                    table.held = table.held.filter { $0.value.layout != nil }
                    table.sweepAt = max(64, 2 * table.held.count)
                }
                return layout
            }
        }
    }

    public init(window: Double = 30) { self.window = window }

    public mutating func add(time: Double, reading: HistogramReading) {
        var increases: [Double] = []
        if let previous = last {
            if positions.isEmpty || !reading.hasShape(of: previous)
                || !increasesByPosition(reading, previous, &increases)
            {
                increasesByCell(reading, previous, &increases)
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

    /// The increases of a reading of the same shape as the one before, set by the cell positions found for that
    /// shape; false when it carries a value no cell was found for (one the readings before lacked).
    private func increasesByPosition(
        _ reading: HistogramReading, _ previous: HistogramReading, _ increases: inout [Double]
    ) -> Bool {
        increases = [Double](repeating: .nan, count: cells.count)
        var complete = true
        LatencyWindow.walk(reading, over: previous, bounds: nil, handlers: nil) { slot, _, _, _, increase in
            let at = Int(positions[slot])
            if at >= 0 { increases[at] = increase } else { complete = false }
        }
        return complete
    }

    /// The increases of any reading, each value's cell looked up (and added when new); then the cell positions of
    /// its shape are kept for the readings after it.
    private mutating func increasesByCell(
        _ reading: HistogramReading, _ previous: HistogramReading, _ increases: inout [Double]
    ) {
        increases = [Double](repeating: .nan, count: cells.count)
        // Where the reading's bounds and handlers are in the previous one's arrays (-1: not there).
        let bounds = reading.bounds.map { le in previous.bounds.firstIndex { HistogramReading.same($0, le) } ?? -1 }
        let before = Dictionary(previous.handlers.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let handlers = reading.handlers.map { before[$0] ?? -1 }
        var slots = [Int32](repeating: -1, count: LatencyWindow.slotCount(reading))
        var fresh: [(cell: Cell, value: Double)] = []
        var freshSlots: [(slot: Int, cell: Cell)] = []
        LatencyWindow.walk(reading, over: previous, bounds: bounds, handlers: handlers) { slot, part, h, i, increase in
            let le = i < reading.bounds.count ? HistogramReading.key(reading.bounds[i]) : 0
            let cell = part.cell(le, h < reading.handlers.count ? reading.handlers[h] : "")
            if let at = layout.index[cell] {
                increases[at] = increase
                slots[slot] = Int32(at)
            } else {
                fresh.append((cell, increase))
                freshSlots.append((slot, cell))
            }
        }
        if !fresh.isEmpty {
            addCells(fresh, to: &increases)
            for (slot, cell) in freshSlots { slots[slot] = Int32(layout.index[cell]!) }
        }
        positions = slots
    }

    /// What a value of a reading is: a part of the totals, or of one handler's.
    enum Part {
        case bucket, count, errors, handler, handlerBucket, handlerCount, handlerErrors

        /// The cell of this part at bound `le` of `handler` (where the part has them).
        func cell(_ le: UInt64, _ handler: String) -> Cell {
            switch self {
            case .bucket: return .bucket(le)
            case .count: return .count
            case .errors: return .errors
            case .handler: return .handler(handler)
            case .handlerBucket: return .handlerBucket(handler, le)
            case .handlerCount: return .handlerCount(handler)
            case .handlerErrors: return .handlerErrors(handler)
            }
        }
    }

    /// How many values a reading's shape has room for: each bound of the totals, the count and the 5xx count, then
    /// per handler its marker, its bounds, its count and 5xx count.
    static func slotCount(_ r: HistogramReading) -> Int {
        r.bounds.count + 2 + r.handlers.count * (r.bounds.count + 3)
    }

    /// Calls `body` with each value `reading` carries, in slot order (`slotCount`): its slot, part, handler and
    /// bound positions (0 where the part has none), and its increase over the same value of `previous`. `bounds`
    /// and `handlers` map the reading's positions to `previous`'s (-1: not there); nil when they are the same.
    /// A bucket `previous` lacks increases by 0 (it was first seen now), a handler's count `previous` lacks too.
    static func walk(
        _ reading: HistogramReading, over previous: HistogramReading, bounds: [Int]?, handlers: [Int]?,
        _ body: (_ slot: Int, _ part: Part, _ h: Int, _ i: Int, _ increase: Double) -> Void
    ) {
        let b = reading.bounds.count
        let wasB = previous.bounds.count
        func increase(_ before: Double, _ value: Double) -> Double {
            before.isNaN ? 0 : CounterMath.increase(from: before, to: value)
        }
        for i in 0..<b where !reading.totals[i].isNaN {
            let j = bounds?[i] ?? i
            body(i, .bucket, 0, i, increase(j >= 0 ? previous.totals[j] : .nan, reading.totals[i]))
        }
        body(b, .count, 0, 0, CounterMath.increase(from: previous.count, to: reading.count))
        body(b + 1, .errors, 0, 0, CounterMath.increase(from: previous.errorCount, to: reading.errorCount))
        for h in reading.handlers.indices {
            let base = b + 2 + h * (b + 3)
            let g = handlers?[h] ?? h
            if reading.hasBuckets[h] {
                body(base, .handler, h, 0, 0)
                let had = g >= 0 && previous.hasBuckets[g]
                for i in 0..<b {
                    let value = reading.handlerBuckets[h * b + i]
                    guard !value.isNaN else { continue }
                    let j = bounds?[i] ?? i
                    let before = had && j >= 0 ? previous.handlerBuckets[g * wasB + j] : .nan
                    body(base + 1 + i, .handlerBucket, h, i, increase(before, value))
                }
            }
            if let current = reading.handlerCounts[h] {
                let before = (g >= 0 ? previous.handlerCounts[g] : nil) ?? current
                body(base + 1 + b, .handlerCount, h, 0, CounterMath.increase(from: before.count, to: current.count))
                body(base + 2 + b, .handlerErrors, h, 0, CounterMath.increase(from: before.errors, to: current.errors))
            }
        }
    }

    /// Adds the cells a scrape brought that the layout lacks, in the canonical order, with their increases (the
    /// last one where a cell came twice).
    private mutating func addCells(_ fresh: [(cell: Cell, value: Double)], to increases: inout [Double]) {
        let ordered = fresh.enumerated().sorted {
            $0.element.cell != $1.element.cell ? Cell.precedes($0.element.cell, $1.element.cell) : $0.offset < $1.offset
        }
        var added: [Cell] = []
        for (k, entry) in ordered.enumerated() {
            if k + 1 < ordered.count, ordered[k + 1].element.cell == entry.element.cell { continue }
            added.append(entry.element.cell)
            increases.append(entry.element.value)
        }
        layout = Layout.interned(cells + added)
        total.append(contentsOf: repeatElement(0, count: added.count))
        present.append(contentsOf: repeatElement(false, count: added.count))
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
        layout = Layout.interned(kept)
        positions = []
    }

    public mutating func removeAll() {
        last = nil
        entries.removeAll()
        layout = Layout.empty
        total.removeAll()
        present.removeAll()
        positions = []
        compactAt = 1_024
    }

    /// The summary over the window; nil quantiles when nothing was observed in it.
    public func summary(summaryQuantiles: [Double: Double]? = nil) -> LatencySummary {
        guard entries.count >= 2, let first = entries.first, let newest = entries.last, newest.time > first.time else {
            return LatencySummary(
                p50: summaryQuantiles?[0.5], p90: summaryQuantiles?[0.9], p99: summaryQuantiles?[0.99])
        }
        // Subtracting what left the window can leave rounding dust below zero: counts never are.
        var buckets: [Bucket] = []
        var count = 0.0
        var errors = 0.0
        for (i, cell) in cells.enumerated() {
            switch cell {
            case .bucket(let le) where present[i]:
                buckets.append(Bucket(upperBound: Double(bitPattern: le), count: max(0, total[i])))
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
        return !last.handlers.isEmpty
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
                    buckets: (buckets[handler] ?? [:]).map { Bucket(upperBound: $0.key, count: $0.value) },
                    count: count, errors: errors, elapsed: elapsed,
                    summaryQuantiles: nil))
        }.sorted(by: HandlerLatency.busiestFirst)
    }

    private static func summarize(
        buckets: [Bucket], count: Double, errors: Double, elapsed: Double, summaryQuantiles: [Double: Double]?
    ) -> LatencySummary {
        let found = HistogramQuantile.quantiles([0.5, 0.9, 0.99], buckets: buckets)
        func q(_ k: Int, _ v: Double) -> Double? {
            if let s = summaryQuantiles?[v] { return s.isFinite ? s : nil }
            guard let r = found[k], r.isFinite || r == .infinity else { return nil }
            return r
        }
        return LatencySummary(
            p50: q(0, 0.5), p90: q(1, 0.9), p99: q(2, 0.99),
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
                    LEB128.append(UInt64(value) * 2 + 1, to: &out)
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
                    let v = LEB128.read(b, at: &at)
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
