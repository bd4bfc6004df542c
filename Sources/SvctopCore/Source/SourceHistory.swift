/// Past points from a source, per instance and per series tag (`goroutines`, `memory`, `p99`, …: see
/// `PromQueries.Tag`), oldest first.
public struct SourceHistory: Sendable, Equatable {
    public var series: [String: [PromQueries.Tag: [TimeSeries.Point]]]
    /// True when this is the full history of the instances in it (every chart), not the fleet's short one.
    public var isFull: Bool
    public var warnings: [String]

    public init(series: [String: [PromQueries.Tag: [TimeSeries.Point]]], isFull: Bool, warnings: [String] = []) {
        self.series = series
        self.isFull = isFull
        self.warnings = warnings
    }
}
