import DequeModule

/// A counter's readings over the last few seconds, for its increase and per-second rate over that window: the
/// same figures `CounterMath` gives over a history's points in the window, without decoding a history at every
/// scrape. The points in the window are kept as they came (times to the millisecond, as a history keeps them);
/// those older than the window leave as new ones arrive.
public struct CounterWindow: Sendable {
    private var points: Deque<TimeSeries.Point> = []

    public init() {}

    /// Adds a reading at `time`, then drops the readings from before `since`.
    public mutating func add(time: Double, value: Double, since: Double) {
        points.append(TimeSeries.Point(time: Double(TimeSeries.milliseconds(time)) / 1000, value: value))
        while let first = points.first, first.time < since { points.removeFirst() }
    }

    /// The counter's increase over the window, resets counted as restarts from 0.
    public var increase: Double { CounterMath.increase(points) }

    /// The per-second rate over the window; nil with fewer than two readings in it.
    public var rate: Double? { CounterMath.rate(points) }
}
