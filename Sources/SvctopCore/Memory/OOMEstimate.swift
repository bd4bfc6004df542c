/// When memory will reach its limit at the rate it has been growing, and what that rests on.
///
/// The rate is a least-squares line through the memory series over the trend window (5 minutes by default):
/// long enough to average out the Go GC's sawtooth (memory steps up at each cycle), so that the estimate counts
/// down steadily between scrapes instead of jumping. The line's value now, not the last noisy reading, is where the
/// count starts. On a real Go service retaining memory towards its soft limit (Tests/.../memory-to-soft-limit.csv)
/// this was within 4–17 % of the moment RSS crossed the limit, from five minutes out to one. On a service that
/// churns more (memory-to-soft-limit-churn.csv) RSS plateaus just below a soft limit once the GC pins its goal,
/// and an estimate from the RSS trend is early by 30–65 % in the last two minutes: a live-heap model is the next
/// step (docs/decisions/0006-oom-estimate.md).
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

    /// Seconds left at `now`: the estimate counts down between readings.
    public func remaining(now: Double) -> Double { max(0, seconds - max(0, now - at)) }

    /// "~3m 40s", rounded to a resolution that fits (see `ByteFormat.eta`).
    public func text(now: Double) -> String { "~" + ByteFormat.eta(remaining(now: now)) }

    /// The growth: "+52Mi/min".
    public var rate: String { "+\(ByteFormat.bytes(growth * 60))/min" }

    /// What the estimate rests on: "over 5m, against the Go soft limit" (the growth was measured over the last 5
    /// minutes).
    public var basis: String { "over \(ByteFormat.eta(span)), against \(limitSource.name)" }

    /// Estimates from `points` (memory in bytes over time, oldest first), or nil when memory is not growing
    /// towards the limit, the history is shorter than `minimumSpan`, or a line does not describe it (R² < 0.5).
    public static func estimate(_ points: [TimeSeries.Point], limit: Double, source: MemoryLimitSource) -> OOMEstimate?
    {
        guard let trend = Trend.fit(points), let last = points.last, trend.span >= minimumSpan, trend.fit >= 0.5,
            trend.slope > 0
        else { return nil }
        // Start from the line's value now: a reading right after a GC step would otherwise pull the estimate back
        // and forth by the step's size.
        guard let seconds = trend.secondsUntil(limit, from: trend.current, horizon: horizon) else { return nil }
        return OOMEstimate(
            seconds: seconds, at: last.time, growth: trend.slope, span: trend.span, limit: limit,
            limitSource: source)
    }
}
