/// Aggregated histogram state at one scrape: cumulative bucket counts by upper bound, plus per-handler buckets
/// and request counts split by status class.
public struct HistogramReading: Sendable, Equatable {
    /// `le` → cumulative count, summed over every series (or the configured handler only).
    public var buckets: [Double: Double] = [:]
    /// handler → (`le` → cumulative count).
    public var bucketsByHandler: [String: [Double: Double]] = [:]
    /// Total observations (the `_count` sum).
    public var count: Double = 0
    /// Observations whose `code` label is 5xx.
    public var errorCount: Double = 0
    /// handler → (count, 5xx count).
    public var countByHandler: [String: (count: Double, errors: Double)] = [:]

    public static func == (a: HistogramReading, b: HistogramReading) -> Bool {
        a.buckets == b.buckets && a.count == b.count && a.errorCount == b.errorCount
            && a.bucketsByHandler == b.bucketsByHandler
            && a.countByHandler.count == b.countByHandler.count
            && a.countByHandler.allSatisfy { key, value in
                b.countByHandler[key].map { $0.count == value.count && $0.errors == value.errors } ?? false
            }
    }

    public init() {}
}
