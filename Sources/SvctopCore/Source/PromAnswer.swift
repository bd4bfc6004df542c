/// What the query API answered: the series, and the warnings the server attached (Thanos' partial responses,
/// VictoriaMetrics' limits), shown verbatim.
public struct PromAnswer: Sendable, Equatable {
    public var series: [PromSeries]
    public var warnings: [String]

    public init(series: [PromSeries] = [], warnings: [String] = []) {
        self.series = series
        self.warnings = warnings
    }
}
