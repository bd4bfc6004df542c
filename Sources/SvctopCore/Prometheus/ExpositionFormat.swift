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
