/// What kind of metric a `# TYPE` line declares.
public enum MetricType: String, Sendable, Codable, CaseIterable {
    case counter, gauge, histogram, summary, untyped
    case info, stateset, gaugehistogram, unknown
}

extension MetricType {
    /// A type the Prometheus text format (0.0.4) declares; the others are OpenMetrics'.
    var isPrometheusText: Bool {
        switch self {
        case .counter, .gauge, .histogram, .summary, .untyped: true
        case .info, .stateset, .gaugehistogram, .unknown: false
        }
    }
}
