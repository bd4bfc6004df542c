/// The outcome of one scrape.
public enum ScrapeOutcome: Sendable {
    case success(MetricSet, duration: Double)
    case failure(ScrapeFailure, duration: Double)
    /// A scrape as a recording replays it: the reading already taken from the exposition, with what the parser
    /// rejected.
    case read(Reading, rejectedLines: Int, parseError: ExpositionError?, duration: Double)

    /// The scrape answered with samples (as a set or as a reading).
    public var isSuccess: Bool {
        if case .failure = self { return false }
        return true
    }
}
