/// The outcome of one scrape.
public enum ScrapeOutcome: Sendable {
    case success(MetricSet, duration: Double)
    case failure(ScrapeFailure, duration: Double)
}
