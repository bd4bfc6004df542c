/// Counter arithmetic with Prometheus' reset rule: a counter that goes down was reset (the process restarted),
/// and its new value is what accumulated since the reset.
public enum CounterMath {
    /// The increase between two readings of one counter; never negative.
    public static func increase(from previous: Double, to current: Double) -> Double {
        guard previous.isFinite, current.isFinite else { return 0 }
        return current >= previous ? current - previous : max(current, 0)
    }

    /// The increase over a sequence of readings, oldest first, summing per-step increases so that a reset in the
    /// middle neither goes negative nor produces a spike.
    public static func increase(_ points: some Collection<TimeSeries.Point>) -> Double {
        var total = 0.0
        for (previous, current) in zip(points, points.dropFirst()) {
            total += increase(from: previous.value, to: current.value)
        }
        return total
    }

    /// Per-second rate over the readings, oldest first; nil with fewer than two readings or no elapsed time.
    public static func rate(_ points: some BidirectionalCollection<TimeSeries.Point>) -> Double? {
        guard let first = points.first, let last = points.last, last.time > first.time else { return nil }
        return increase(points) / (last.time - first.time)
    }
}
