/// When memory will reach its limit at the rate it has been growing, and what that rests on.
///
/// Two trends over the trend window (5 minutes by default), both long enough to average out the Go GC's sawtooth
/// so that the estimate counts down steadily between scrapes instead of jumping:
/// - a least-squares line through memory (RSS), from the line's value now, not the last noisy reading. Near a Go
///   soft limit the GC collects harder and RSS grows more slowly than it did, so this alone comes out early;
/// - when the service exports its heap in use, the growth of the live heap (the heap's low points, right after
///   each collection). Near the limit RSS grows at about the live heap's rate, so this one counts from a level of
///   RSS that leans towards that rate: the RSS line's value now, moved a third of the way towards where the last
///   3 minutes of RSS put a line of the live heap's slope. The RSS line through 5 minutes carries the faster
///   growth of the time the GC's goal still doubled with the heap and lands above where RSS is heading.
/// The estimate weighs the two by how much of the limit is in use: the nearer the limit, the harder the GC holds RSS
/// to the live heap's growth. On nine recordings of a real Go service retaining memory towards its soft limit (five
/// kept: Tests/.../memory-to-soft-limit.csv, -live.csv, -live-2.csv, -live-3.csv, -live-4.csv) every estimate from
/// five minutes out to one was within −17 … +24 % of the moment RSS crossed the limit, where the RSS line alone was
/// early by up to 39 %. With heavy allocation churn (-churn.csv, -churn-live.csv, -churn-live-2.csv) RSS sits just
/// below the soft limit for 35 to 60 s while the GC holds it there, and the estimate is early by up to 41 % in the
/// last minute (docs/decisions/0006).
public struct OOMEstimate: Sendable, Equatable {
    /// Seconds from `at` until the limit is reached.
    public var seconds: Double
    /// When the estimate was made (the last reading).
    public var at: Double
    /// Growth, in bytes a second.
    public var growth: Double
    /// Seconds of history the growth was measured over.
    public var span: Double
    public var limit: Double
    public var limitSource: MemoryLimitSource

    /// The shortest history an estimate is made from.
    public static let minimumSpan = 30.0
    /// Estimates further out than this are not worth a warning.
    public static let horizon = 7 * 24 * 3600.0
    /// The recent history of memory whose level, along the live heap's slope, the live heap's estimate counts from.
    public static let levelWindow = 180.0
    /// How far the live heap's estimate moves from the RSS line's value now towards that level.
    static let levelShare = 1.0 / 3

    /// Seconds left at `now`: the estimate counts down between readings.
    public func remaining(now: Double) -> Double { max(0, seconds - max(0, now - at)) }

    /// "~3m 40s", rounded to a resolution that fits (see `ByteFormat.eta`).
    public func text(now: Double) -> String { "~" + ByteFormat.eta(remaining(now: now)) }

    /// The growth: "+52Mi/min".
    public var rate: String { "+\(ByteFormat.bytes(growth * 60))/min" }

    /// What the estimate rests on: "over 5m, against the Go soft limit" (the growth was measured over the last 5
    /// minutes).
    public var basis: String { "over \(ByteFormat.eta(span)), against \(limitSource.name)" }

    /// Estimates from `points` (memory in bytes over time, oldest first) and, when there is one, `heap` (the heap in
    /// use over the same window), or nil when memory is not growing towards the limit, the history is shorter than
    /// `minimumSpan`, or a line does not describe it (R² < 0.5).
    public static func estimate(
        _ points: [TimeSeries.Point], heap: @autoclosure () -> [TimeSeries.Point] = [], limit: Double,
        source: MemoryLimitSource
    ) -> OOMEstimate? {
        guard let last = points.last else { return nil }
        let since = last.time - levelWindow
        return estimate(
            trend: Trend.fit(points), at: last.time, recent: points.filter { $0.time >= since }, heap: heap(),
            limit: limit, source: source)
    }

    /// The same from `trend`, the line through memory over the window up to `time` (its last point), and `recent`,
    /// memory over the last `levelWindow` seconds up to `time`. `recent` and `heap` are read only when memory is
    /// growing towards the limit (most instances' is not, and reading a window of history decodes it).
    public static func estimate(
        trend: Trend?, at time: Double, recent: @autoclosure () -> [TimeSeries.Point] = [],
        heap: @autoclosure () -> [TimeSeries.Point] = [], limit: Double, source: MemoryLimitSource
    ) -> OOMEstimate? {
        guard let trend, trend.span >= minimumSpan, trend.fit >= 0.5, trend.slope > 0 else { return nil }
        // Start from the line's value now: a reading right after a GC step would otherwise pull the estimate back
        // and forth by the step's size.
        guard var seconds = trend.secondsUntil(limit, from: trend.current, horizon: horizon) else { return nil }
        if let live = liveHeapGrowth(heap()), live > 0 {
            // The nearer the limit, the harder the GC holds RSS to the live heap's growth.
            let weight = min(1, max(0, trend.current / limit))
            var from = trend.current
            if let level = level(recent(), slope: live, at: time) {
                from += levelShare * (level - trend.current)
            }
            seconds = (1 - weight) * seconds + weight * max(0, limit - from) / live
            guard seconds <= horizon else { return nil }
        }
        return OOMEstimate(
            seconds: seconds, at: time, growth: (limit - trend.current) / seconds, span: trend.span, limit: limit,
            limitSource: source)
    }

    /// Where a line of `slope` through `points` (least squares with the slope given: through their mean) is at
    /// `time`; nil without points with a value.
    static func level(_ points: [TimeSeries.Point], slope: Double, at time: Double) -> Double? {
        var sum = 0.0
        var count = 0.0
        for p in points where p.value.isFinite {
            sum += p.value + slope * (time - p.time)
            count += 1
        }
        return count > 0 ? sum / count : nil
    }

    /// How fast the live heap grows, in bytes a second: a line through the heap's low points (a reading lower than
    /// the one before and not higher than the one after: right after a collection), when there are at least three
    /// of them over `minimumSpan` or more.
    static func liveHeapGrowth(_ heap: [TimeSeries.Point]) -> Double? {
        guard heap.count >= 3 else { return nil }
        var lows: [TimeSeries.Point] = []
        for i in 1..<(heap.count - 1)
        where heap[i].value < heap[i - 1].value && heap[i].value <= heap[i + 1].value {
            lows.append(heap[i])
        }
        guard let trend = Trend.fit(lows), trend.span >= minimumSpan else { return nil }
        return trend.slope
    }
}
