import Foundation
import SvctopCore

/// The query API of a Prometheus-compatible server (`/api/v1/query`, `/api/v1/query_range`): requests sent as
/// form posts (long PromQL never meets a URL length limit), answers decoded into `PromAnswer`, every way it can go
/// wrong turned into one line that names the query and says what the server said.
public struct PrometheusClient: Sendable {
    public let transport: HTTPTransport
    public let source: PrometheusSource
    public let options: TransportOptions
    public let timeout: Double
    /// The largest answer accepted (history of a large fleet is megabytes of JSON).
    public let maxBytes: Int
    public static let defaultMaxBytes = 128 << 20

    public init(
        transport: HTTPTransport, source: PrometheusSource, options: TransportOptions, timeout: Double,
        maxBytes: Int = PrometheusClient.defaultMaxBytes
    ) {
        self.transport = transport
        self.source = source
        self.options = source.transport ?? options
        self.timeout = timeout
        self.maxBytes = maxBytes
    }

    /// An instant query evaluated at `time`.
    public func query(_ promql: String, at time: Double, name: String? = nil) async -> Result<PromAnswer, SourceError> {
        await send("/api/v1/query", [("query", promql), ("time", Self.timestamp(time))], name ?? Self.short(promql))
    }

    /// A range query from `start` to `end` every `step` seconds.
    public func queryRange(
        _ promql: String, start: Double, end: Double, step: Double, name: String? = nil
    ) async
        -> Result<PromAnswer, SourceError>
    {
        await send(
            "/api/v1/query_range",
            [
                ("query", promql), ("start", Self.timestamp(start)), ("end", Self.timestamp(end)),
                ("step", Self.timestamp(step)),
            ], name ?? Self.short(promql))
    }

    /// `name` says which query it is in messages.
    func send(_ path: String, _ form: [(String, String)], _ name: String) async -> Result<PromAnswer, SourceError> {
        let body = form.map { "\($0.0)=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        let result = await transport.send(
            "POST", source.url + path,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(body.utf8), options: options, timeout: timeout, maxBytes: maxBytes)
        switch result {
        case .failure(let failure):
            return .failure(SourceError("\(name) to \(source.url) failed: \(failure)"))
        case .success(let answer):
            return Self.decode(answer, query: name)
        }
    }

    /// Reads an answer: the API's JSON (success or error), or a clear line for whatever else came back.
    public static func decode(_ answer: HTTPAnswer, query q: String) -> Result<PromAnswer, SourceError> {
        let type = (answer.contentType ?? "").lowercased()
        if type.contains("text/html") || answer.firstLine().lowercased().hasPrefix("<!doctype html")
            || answer.firstLine().lowercased().hasPrefix("<html")
        {
            return .failure(
                SourceError(
                    "\(q): HTTP \(answer.status) with an HTML page, not the query API (a login page or a proxy? check the URL and credentials)"
                ))
        }
        let response: PromResponse
        do {
            response = try PromResponseReader.read(answer.bytes)
        } catch {
            let line = answer.firstLine()
            return .failure(
                SourceError(
                    "\(q): HTTP \(answer.status), not the query API's JSON\(line.isEmpty ? "" : ": \(line)")"))
        }
        if response.status != "success" {
            let kind = response.errorType ?? "error"
            let message = response.error ?? "HTTP \(answer.status)"
            return .failure(SourceError("\(q): \(kind): \(message)"))
        }
        guard let resultType = response.resultType else {
            return .failure(SourceError("\(q): the answer has no data"))
        }
        guard ["vector", "matrix", "scalar"].contains(resultType) else {
            return .failure(SourceError("\(q): unexpected result type '\(resultType)'"))
        }
        return .success(PromAnswer(series: response.series, warnings: response.warnings))
    }

    /// Seconds since the epoch with millisecond precision, as the API takes them.
    static func timestamp(_ t: Double) -> String {
        let ms = Int64((t * 1000).rounded())
        let (whole, fraction) = (ms / 1000, abs(ms % 1000))
        let digits = String(fraction)
        return "\(ms < 0 && whole == 0 ? "-" : "")\(whole)." + String(repeating: "0", count: 3 - digits.count) + digits
    }

    static func formEncoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// A query shortened for a status line.
    static func short(_ query: String) -> String {
        let flat = query.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 80 ? "'" + flat.prefix(77) + "…'" : "'\(flat)'"
    }
}
