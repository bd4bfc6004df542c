/// What a source settled on when it started: the server's scrape interval (given, measured, or assumed when it
/// could be neither), how often svctop refreshes, and the rate window.
public struct SourceConfiguration: Sendable, Equatable {
    public var scrapeInterval: Double
    /// True when the interval is Prometheus' default because no series could be measured (the status bar says so).
    public var isAssumed: Bool
    public var refreshInterval: Double
    public var rateWindow: Double

    public init(scrapeInterval: Double, isAssumed: Bool = false, refreshInterval: Double, rateWindow: Double) {
        self.scrapeInterval = scrapeInterval
        self.isAssumed = isAssumed
        self.refreshInterval = refreshInterval
        self.rateWindow = rateWindow
    }
}
