/// What a source settled on when it started: the server's scrape interval (given or measured), how often svctop
/// refreshes, and the rate window.
public struct SourceConfiguration: Sendable, Equatable {
    public var scrapeInterval: Double
    public var isMeasured: Bool
    public var refreshInterval: Double
    public var rateWindow: Double
    /// Queries sent per refresh, whatever the number of instances.
    public var queriesPerRefresh: Int

    public init(
        scrapeInterval: Double, isMeasured: Bool, refreshInterval: Double, rateWindow: Double, queriesPerRefresh: Int
    ) {
        self.scrapeInterval = scrapeInterval
        self.isMeasured = isMeasured
        self.refreshInterval = refreshInterval
        self.rateWindow = rateWindow
        self.queriesPerRefresh = queriesPerRefresh
    }
}
