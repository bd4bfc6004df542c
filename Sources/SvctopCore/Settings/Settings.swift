/// Tunables that shape what the dashboard computes, flags and does. All times are seconds, sizes bytes.
///
/// Every field here is declared once, in `SettingDeclaration.all` (name, type, default, command-line flag, YAML
/// key, help): the flags, the config file's `defaults:` section, `--help` and the table in
/// docs/configuration.md all come from that declaration.
public struct Settings: Sendable, Equatable, Codable {
    /// Scrape interval.
    public var interval: Double = 1
    /// Request timeout; nil means 80% of the interval.
    public var timeout: Double?
    /// Largest accepted response.
    public var maxBodyBytes: Double = 16 * 1_048_576
    /// Timeout of log-level, drain and undrain requests.
    public var actionTimeout: Double = 10
    /// History kept per series.
    public var history: Double = 3600
    /// Window for latency quantiles and rates.
    public var latencyWindow: Double = 30
    /// Window for the goroutine leak trend.
    public var leakWindow: Double = 120
    /// Minimum rise, in goroutines per minute, for a leak warning.
    public var leakMinSlopePerMinute: Double = 5
    /// Minimum goodness of fit (R²) of the rise for a leak warning.
    public var leakMinFit: Double = 0.8
    /// Window for the memory growth trend behind the OOM estimate: long enough to average the GC's sawtooth.
    public var memoryTrendWindow: Double = 300
    /// Memory ratio thresholds.
    public var memoryWarning: Double = 0.8
    public var memoryCritical: Double = 0.9
    /// Pool saturation thresholds.
    public var poolWarning: Double = 0.8
    public var poolCritical: Double = 0.95
    /// Error ratio thresholds.
    public var errorWarning: Double = 0.01
    public var errorCritical: Double = 0.05
    /// A value this many times the fleet median is an outlier.
    public var outlierFactor: Double = 3
    /// Data older than this many intervals is stale.
    public var staleAfterIntervals: Double = 3
    /// Drain progress times out after this long.
    public var drainTimeout: Double = 60
    /// The largest share of ready instances that may be drained without an explicit override.
    public var maxDrainShare: Double = 0.5
    /// Goroutine count above which a debug=2 dump asks for extra care.
    public var fullDumpWarnGoroutines: Double = 10_000
    /// How long `t` in the log-level chooser keeps debug before reverting.
    public var timedDebugDuration: Double = 600
    /// The length a CPU profile starts with in its dialog.
    public var cpuProfileSeconds: Double = 10
    /// Largest accepted profile (compressed, as served).
    public var maxProfileBytes: Double = 64 * 1_048_576
    /// How often liveness and readiness are probed while they pass (every interval once one fails, and for an
    /// instance open in the instance view or just sent an action).
    public var probeInterval: Double = 5
    /// How often the log level is refreshed.
    public var logLevelRefresh: Double = 10
    /// The flight recordings under the state directory, in all, at most (bytes).
    public var recordMaxBytes: Double = 1_073_741_824
    /// Flight recordings older than this are deleted (seconds).
    public var recordMaxAge: Double = 7 * 86_400
    /// Mutating actions are removed.
    public var isReadOnly = false
    /// A built-in theme name or a theme file.
    public var theme = "dark"
    /// The audit journal; nil means the default under the state directory.
    public var journal: String?
    /// Where saved dumps go; nil means the default under the state directory.
    public var dumpDirectory: String?

    public init() {}

    /// The readings in the whole history (those kept at full resolution and those thinned).
    public var seriesCapacity: Int { max(16, Int((history / max(interval, 0.05)).rounded(.up))) }

    /// Readings a series keeps at full resolution: the last 10 minutes or 600 readings, whichever is more, or the
    /// longest trend window if longer (a chart shows at most a few hundred points), and at most the whole history.
    public var fullResolutionCapacity: Int {
        let span = max(600, memoryTrendWindow, leakWindow)
        return min(seriesCapacity, max(600, Int((span / max(interval, 0.05)).rounded(.up))))
    }

    /// History older than the full-resolution readings: one point for every 10 readings, back to `history`.
    public var seriesThinning: TimeSeries.Thinning? {
        let every = 10
        guard seriesCapacity > fullResolutionCapacity else { return nil }
        return TimeSeries.Thinning(every: every, capacity: (seriesCapacity + every - 1) / every)
    }

    /// The request timeout in force: the configured one, else 80% of the interval.
    public var effectiveTimeout: Double { timeout ?? interval * 0.8 }
}
