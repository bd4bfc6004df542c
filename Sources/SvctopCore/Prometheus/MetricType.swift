/// What kind of metric a `# TYPE` line declares.
public enum MetricType: String, Sendable, Codable, CaseIterable {
    case counter, gauge, histogram, summary, untyped
    case info, stateset, gaugehistogram, unknown
}
