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
        let json = try? JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView))
        guard let object = json as? [String: Any] else {
            let line = answer.firstLine()
            return .failure(
                SourceError(
                    "\(q): HTTP \(answer.status), not the query API's JSON\(line.isEmpty ? "" : ": \(line)")"))
        }
        let warnings =
            (object["warnings"] as? [Any] ?? []).map { "\($0)" } + (object["infos"] as? [Any] ?? []).map { "\($0)" }
        if object["status"] as? String != "success" {
            let kind = object["errorType"] as? String ?? "error"
            let message = object["error"] as? String ?? "HTTP \(answer.status)"
            return .failure(SourceError("\(q): \(kind): \(message)"))
        }
        guard let data = object["data"] as? [String: Any], let resultType = data["resultType"] as? String else {
            return .failure(SourceError("\(q): the answer has no data"))
        }
        var series: [PromSeries] = []
        switch resultType {
        case "vector", "matrix":
            guard let result = data["result"] as? [[String: Any]] else {
                return .failure(SourceError("\(q): the answer's result is not a list"))
            }
            series.reserveCapacity(result.count)
            for item in result {
                let labels = (item["metric"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
                var points: [TimeSeries.Point] = []
                if let value = item["value"] as? [Any], let p = point(value) {
                    points.append(p)
                } else if let values = item["values"] as? [[Any]] {
                    points.reserveCapacity(values.count)
                    for v in values { if let p = point(v) { points.append(p) } }
                }
                series.append(PromSeries(labels: labels, points: points))
            }
        case "scalar":
            if let value = data["result"] as? [Any], let p = point(value) {
                series.append(PromSeries(labels: [:], points: [p]))
            }
        default:
            return .failure(SourceError("\(q): unexpected result type '\(resultType)'"))
        }
        return .success(PromAnswer(series: series, warnings: warnings))
    }

    /// `[1712345678.123, "42"]`; values "NaN", "+Inf", "-Inf" as the doubles they name.
    static func point(_ pair: [Any]) -> TimeSeries.Point? {
        guard pair.count == 2, let t = (pair[0] as? NSNumber)?.doubleValue, let text = pair[1] as? String else {
            return nil
        }
        let value: Double
        switch text {
        case "NaN": value = .nan
        case "+Inf", "Inf": value = .infinity
        case "-Inf": value = -.infinity
        default:
            guard let v = Double(text) else { return nil }
            value = v
        }
        return TimeSeries.Point(time: t, value: value)
    }

    /// Seconds since the epoch with millisecond precision, as the API takes them.
    static func timestamp(_ t: Double) -> String { String(format: "%.3f", t) }

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
