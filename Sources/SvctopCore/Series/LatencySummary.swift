/// Latency quantiles and request rates over a sliding window, from cumulative histogram readings.
public struct LatencySummary: Sendable, Equatable {
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    /// Requests per second over the window.
    public var rate: Double?
    /// Share of 5xx responses over the window (nil when there were no requests).
    public var errorRatio: Double?

    public init(
        p50: Double? = nil, p90: Double? = nil, p99: Double? = nil, rate: Double? = nil, errorRatio: Double? = nil
    ) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.rate = rate
        self.errorRatio = errorRatio
    }
}
