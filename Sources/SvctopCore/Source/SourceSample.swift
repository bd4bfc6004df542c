/// What a source said about one instance at one refresh: the reading (the same fields direct scraping fills,
/// nil where the server has no such series), latency computed by the server, and whether the server could scrape
/// the instance (`up`) and when it last did.
public struct SourceSample: Sendable, Equatable {
    public var reading = Reading()
    public var latency = LatencySummary()
    /// `up`: 1 when the server's last scrape of the instance worked; nil when the server has no `up` for it.
    public var up: Double?
    /// When the server last scraped the instance (the timestamp of its `up` sample), seconds since the epoch.
    public var seen: Double?
    /// The pod behind the instance, when its series carry `namespace` and `pod` labels.
    public var pod: SourcePod?

    public init() {}
}
