/// Aggregated histogram state at one scrape: cumulative bucket counts by upper bound, summed over every series (or
/// the configured handler's only), the same per handler, and request counts split by status class.
///
/// Kept in arrays by position: the bounds and the handlers in the order they were first met, and the counts at
/// those positions. The scrapes of one target give the same bounds and handlers in the same order, so what compares
/// two readings (the latency window, the recorder) walks their arrays side by side instead of hashing keys. The
/// dictionary views (`buckets`, `bucketsByHandler`, `countByHandler`) are for readings made or read by hand; setting
/// one rebuilds the arrays.
public struct HistogramReading: Sendable, Equatable {
    /// The upper bounds, distinct (NaN is one bound), in the order first met.
    public private(set) var bounds: [Double] = []
    /// The cumulative count at each bound, summed over every series; NaN where the totals have no bucket (a bound
    /// only some handler has, in a reading made by hand).
    public private(set) var totals: [Double] = []
    /// The handlers, in the order first met.
    public private(set) var handlers: [String] = []
    /// One row per handler, `bounds.count` wide: its cumulative count at each bound, NaN where it has no bucket.
    public private(set) var handlerBuckets: [Double] = []
    /// Whether each handler had bucket series (a handler known by its counts alone has none).
    public private(set) var hasBuckets: [Bool] = []
    /// Each handler's request count and 5xx count; nil where it had no count series.
    public private(set) var handlerCounts: [(count: Double, errors: Double)?] = []
    /// Total observations (the `_count` sum).
    public var count: Double = 0
    /// Observations whose `code` label is 5xx.
    public var errorCount: Double = 0

    public init() {}

    /// A reading from its arrays (`handlerBuckets` is `handlers.count` rows of `bounds.count`).
    init(
        bounds: [Double], totals: [Double], handlers: [String], handlerBuckets: [Double], hasBuckets: [Bool],
        handlerCounts: [(count: Double, errors: Double)?], count: Double, errorCount: Double
    ) {
        precondition(
            totals.count == bounds.count && handlerBuckets.count == handlers.count * bounds.count
                && hasBuckets.count == handlers.count && handlerCounts.count == handlers.count)
        self.bounds = bounds
        self.totals = totals
        self.handlers = handlers
        self.handlerBuckets = handlerBuckets
        self.hasBuckets = hasBuckets
        self.handlerCounts = handlerCounts
        self.count = count
        self.errorCount = errorCount
    }

    /// A reading from its dictionary views: bounds ascending (NaN last), handlers by name.
    public init(
        buckets: [Double: Double], bucketsByHandler: [String: [Double: Double]] = [:], count: Double = 0,
        errorCount: Double = 0, countByHandler: [String: (count: Double, errors: Double)] = [:]
    ) {
        var bounds: [Double] = []
        func insert(_ le: Double) { if !bounds.contains(where: { Self.same($0, le) }) { bounds.append(le) } }
        buckets.keys.forEach(insert)
        for row in bucketsByHandler.values { row.keys.forEach(insert) }
        bounds.sort { $0 < $1 || (!$0.isNaN && $1.isNaN) }
        func position(_ le: Double) -> Int { bounds.firstIndex { Self.same($0, le) }! }
        var totals = [Double](repeating: .nan, count: bounds.count)
        for (le, v) in buckets { totals[position(le)] = v }
        let handlers = Set(bucketsByHandler.keys).union(countByHandler.keys).sorted()
        var rows = [Double](repeating: .nan, count: handlers.count * bounds.count)
        var has = [Bool](repeating: false, count: handlers.count)
        for (h, handler) in handlers.enumerated() {
            guard let row = bucketsByHandler[handler] else { continue }
            has[h] = true
            for (le, v) in row { rows[h * bounds.count + position(le)] = v }
        }
        self.init(
            bounds: bounds, totals: totals, handlers: handlers, handlerBuckets: rows, hasBuckets: has,
            handlerCounts: handlers.map { countByHandler[$0] }, count: count, errorCount: errorCount)
    }

    /// Builds a reading from a scrape's series, one at a time: bucket series by their bound and count series.
    struct Builder {
        private var bounds: [Double] = []
        /// Where the last bound was found: a series' buckets come in the order of their bounds, so the next one is
        /// usually one further (or the first again).
        private var lastBound = -1
        private var totals: [Double] = []
        private var handlers: [String] = []
        /// Each handler's position, once there are more than `scanned`.
        private var index: [String: Int] = [:]
        private var rows: [[Double]] = []
        private var hasBuckets: [Bool] = []
        private var counts: [(count: Double, errors: Double)?] = []
        /// The handler of the last series, and its bucket row (out of `rows` while its run lasts): a handler's
        /// series come one after the other, so its name is looked up once per run.
        private var runName: String?
        private var runIndex = -1
        private var runRow: [Double] = []
        /// Up to this many handlers are not indexed.
        private static let scanned = 16
        private var count = 0.0
        private var errorCount = 0.0

        /// The position of bound `le`, added when new ("1" and "1.0" are one bound, and so are all NaNs).
        mutating func bound(_ le: Double) -> Int {
            let next = lastBound + 1 < bounds.count ? lastBound + 1 : 0
            if next < bounds.count, HistogramReading.same(bounds[next], le) {
                lastBound = next
            } else if let known = bounds.firstIndex(where: { HistogramReading.same($0, le) }) {
                lastBound = known
            } else {
                bounds.append(le)
                totals.append(0)
                lastBound = bounds.count - 1
            }
            return lastBound
        }

        /// Adds a bucket series' value at a bound's position to the totals and to its handler's.
        mutating func addBucket(_ value: Double, at position: Int, handler: String?) {
            totals[position] += value
            guard let handler else { return }
            if handler != runName { enter(handler) }
            hasBuckets[runIndex] = true
            if runRow.count < bounds.count {
                runRow.append(contentsOf: repeatElement(.nan, count: bounds.count - runRow.count))
            }
            runRow[position] = runRow[position].isNaN ? value : runRow[position] + value
        }

        /// Adds a count series' value to the totals and to its handler's.
        mutating func addCount(_ value: Double, isError: Bool, handler: String?) {
            count += value
            if isError { errorCount += value }
            guard let handler else { return }
            if handler != runName { enter(handler) }
            var entry = counts[runIndex] ?? (0, 0)
            entry.count += value
            if isError { entry.errors += value }
            counts[runIndex] = entry
        }

        /// Starts the run of handler `name`: the last run's row goes back to `rows`, this one's comes out.
        private mutating func enter(_ name: String) {
            if runIndex >= 0 { swap(&runRow, &rows[runIndex]) }
            let h: Int
            // A few handlers are found by comparing names (cheaper than hashing one); past them, by the index.
            if handlers.count <= Builder.scanned, let known = handlers.firstIndex(of: name) {
                h = known
            } else if handlers.count > Builder.scanned, let known = index[name] {
                h = known
            } else {
                h = handlers.count
                handlers.append(name)
                if handlers.count == Builder.scanned + 1 {
                    for (k, handler) in handlers.enumerated() { index[handler] = k }
                } else if handlers.count > Builder.scanned {
                    index[name] = h
                }
                rows.append([])
                hasBuckets.append(false)
                counts.append(nil)
            }
            swap(&runRow, &rows[h])
            runName = name
            runIndex = h
        }

        func reading() -> HistogramReading {
            var flat: [Double] = []
            flat.reserveCapacity(handlers.count * bounds.count)
            for (h, row) in rows.enumerated() {
                let row = h == runIndex ? runRow : row
                flat.append(contentsOf: row)
                flat.append(contentsOf: repeatElement(.nan, count: bounds.count - row.count))
            }
            return HistogramReading(
                bounds: bounds, totals: totals, handlers: handlers, handlerBuckets: flat, hasBuckets: hasBuckets,
                handlerCounts: counts, count: count, errorCount: errorCount)
        }
    }

    /// Bounds are the same when equal, or both NaN.
    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    /// The bits that name a bound, equal for bounds that are `same` (every NaN one NaN, -0 and 0 one zero).
    static func key(_ le: Double) -> UInt64 { le.isNaN ? Double.nan.bitPattern : le == 0 ? 0 : le.bitPattern }

    /// Whether `other` has the same bounds and handlers in the same order (its arrays line up with these).
    public func hasShape(of other: HistogramReading) -> Bool {
        bounds.count == other.bounds.count && handlers == other.handlers
            && zip(bounds, other.bounds).allSatisfy { Self.same($0, $1) }
    }

    /// The count of handler `h` at bound `i` (NaN where it has none).
    @inlinable
    public func handlerBucket(_ h: Int, _ i: Int) -> Double { handlerBuckets[h * bounds.count + i] }

    /// `le` → cumulative count.
    public var buckets: [Double: Double] {
        get {
            var out: [Double: Double] = [:]
            out.reserveCapacity(bounds.count)
            for (i, v) in totals.enumerated() where !v.isNaN { out[bounds[i]] = v }
            return out
        }
        set { self = rebuilt(buckets: newValue) }
    }

    /// handler → (`le` → cumulative count), for the handlers that had bucket series.
    public var bucketsByHandler: [String: [Double: Double]] {
        get {
            var out: [String: [Double: Double]] = [:]
            for (h, handler) in handlers.enumerated() where hasBuckets[h] {
                var row: [Double: Double] = [:]
                for i in bounds.indices where !handlerBucket(h, i).isNaN { row[bounds[i]] = handlerBucket(h, i) }
                out[handler] = row
            }
            return out
        }
        set { self = rebuilt(bucketsByHandler: newValue) }
    }

    /// handler → (count, 5xx count), for the handlers that had count series.
    public var countByHandler: [String: (count: Double, errors: Double)] {
        get {
            var out: [String: (count: Double, errors: Double)] = [:]
            for (h, handler) in handlers.enumerated() { if let c = handlerCounts[h] { out[handler] = c } }
            return out
        }
        set { self = rebuilt(countByHandler: newValue) }
    }

    private func rebuilt(
        buckets: [Double: Double]? = nil, bucketsByHandler: [String: [Double: Double]]? = nil,
        countByHandler: [String: (count: Double, errors: Double)]? = nil
    ) -> HistogramReading {
        HistogramReading(
            buckets: buckets ?? self.buckets, bucketsByHandler: bucketsByHandler ?? self.bucketsByHandler,
            count: count, errorCount: errorCount, countByHandler: countByHandler ?? self.countByHandler)
    }

    public static func == (a: HistogramReading, b: HistogramReading) -> Bool {
        a.buckets == b.buckets && a.count == b.count && a.errorCount == b.errorCount
            && a.bucketsByHandler == b.bucketsByHandler
            && a.countByHandler.count == b.countByHandler.count
            && a.countByHandler.allSatisfy { key, value in
                b.countByHandler[key].map { $0.count == value.count && $0.errors == value.errors } ?? false
            }
    }
}
