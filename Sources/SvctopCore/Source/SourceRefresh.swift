/// One refresh of the whole fleet from a source: every instance the selector matched, keyed by its name.
public struct SourceRefresh: Sendable, Equatable {
    /// The evaluation time of the queries, seconds since the epoch.
    public var time: Double
    public var samples: [String: SourceSample]
    public var warnings: [String]
    /// How long the refresh took, seconds.
    public var duration: Double

    public init(time: Double, samples: [String: SourceSample], warnings: [String] = [], duration: Double = 0) {
        self.time = time
        self.samples = samples
        self.warnings = warnings
        self.duration = duration
    }
}
