/// The text formats svctop reads from a `/metrics` endpoint.
public enum ExpositionFormat: String, Sendable, Codable {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    case prometheusText = "text"
    /// OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0`).
    case openMetrics = "openmetrics"

    /// The `Accept` header a scrape sends: OpenMetrics preferred, the 0.0.4 text format accepted, anything else
    /// last (so that a misconfigured endpoint still answers and its content type can be named in the error).
    public static let acceptHeader =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

    /// Chooses the format from a response's `Content-Type`.
    ///
    /// - Returns: the format, or an error naming the content type when it is one svctop cannot parse (for
    ///   example the Prometheus protobuf format, which an endpoint may serve when it ignores `Accept`).
    public static func detect(contentType: String?) -> Result<ExpositionFormat, ExpositionError> {
        guard let contentType, !contentType.isEmpty else { return .success(.prometheusText) }
        let lower = contentType.lowercased()
        if lower.hasPrefix("application/openmetrics-text") { return .success(.openMetrics) }
        if lower.hasPrefix("text/plain") || lower.hasPrefix("text/") { return .success(.prometheusText) }
        if lower.contains("protobuf") {
            return .failure(
                ExpositionError(
                    line: 0, column: 0, expected: "a text exposition format",
                    found: "protobuf (\(contentType)); the endpoint serves only the Prometheus protobuf format",
                    snippet: ""))
        }
        if lower.hasPrefix("application/json") || lower.hasPrefix("text/html") {
            return .failure(
                ExpositionError(
                    line: 0, column: 0, expected: "a Prometheus text exposition",
                    found: "content type \(contentType)", snippet: ""))
        }
        return .success(.prometheusText)
    }
}

/// What kind of metric a `# TYPE` line declares.
public enum MetricType: String, Sendable, Codable, CaseIterable {
    case counter, gauge, histogram, summary, untyped
    case info, stateset, gaugehistogram, unknown
}

/// A parse error with its position, what was expected, what was found and the offending text.
public struct ExpositionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number (0 when the error is about the whole response).
    public var line: Int
    /// 1-based column, counted in bytes.
    public var column: Int
    public var expected: String
    public var found: String
    /// Up to 60 bytes of the offending line.
    public var snippet: String

    public init(line: Int, column: Int, expected: String, found: String, snippet: String) {
        self.line = line
        self.column = column
        self.expected = expected
        self.found = found
        self.snippet = snippet
    }

    public var description: String {
        if line == 0 { return "expected \(expected), found \(found)" }
        return "line \(line):\(column): expected \(expected), found \(found): \(snippet)"
    }
}
