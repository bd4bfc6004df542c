/// Latency quantiles and request rates over a sliding window, from cumulative histogram readings.
public struct LatencySummary: Sendable, Equatable {
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    /// Requests per second over the window.
    public var rate: Double?
    /// Share of 5xx responses over the window (nil when there were no requests).
    public var errorRatio: Double?
}
