/// One series of a query answer: its labels and its points (one for an instant query, many for a range).
/// Non-finite values (NaN, ±Inf) are kept as the server sent them; readers decide.
public struct PromSeries: Sendable, Equatable {
    public var labels: [String: String]
    public var points: [TimeSeries.Point]

    public init(labels: [String: String], points: [TimeSeries.Point]) {
        self.labels = labels
        self.points = points
    }
}
