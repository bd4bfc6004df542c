import Foundation
import SvctopCore

/// Talks to one kind of service endpoint set: metrics, probes, log level, drain, dumps.
/// Stateless apart from the shared transport; safe to use from many tasks.
public struct ServiceClient: Sendable {
    public let transport: HTTPTransport
    public let options: TransportOptions

    public init(transport: HTTPTransport, options: TransportOptions = TransportOptions()) {
        self.transport = transport
        self.options = options
    }

    /// Scrapes and parses `/metrics`. Parsing happens here, off the UI loop.
    public func scrape(_ target: Target, timeout: Double, maxBytes: Int? = nil) async -> ScrapeOutcome {
        let start = ContinuousClock.now
        let endpoint = target.profile.endpoints.metrics
        let result = await transport.send(
            endpoint.method, target.url(endpoint.path), headers: [("Accept", ExpositionFormat.acceptHeader)],
            options: options, timeout: timeout, maxBytes: maxBytes)
        let elapsed = ContinuousClock.now - start
        let duration = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        switch result {
        case .failure(let failure):
            return .failure(failure, duration: duration)
        case .success(let answer):
            guard answer.isSuccess else {
                return .failure(.httpStatus(answer.status, answer.firstLine()), duration: duration)
            }
            switch ExpositionFormat.detect(contentType: answer.contentType) {
            case .failure(let error):
                return .failure(.unsupported(error.found), duration: duration)
            case .success(let format):
                let metrics = MetricSet.parse(answer.body, format: format)
                if metrics.samples.isEmpty {
                    let reason = metrics.firstError.map(\.description) ?? (answer.body.isEmpty ? "empty response" : "no samples")
                    return .failure(.parse(reason), duration: duration)
                }
                return .success(metrics, duration: duration)
            }
        }
    }

    /// Probes liveness or readiness: 2xx passes; anything else fails with its status and first body line.
    public func probe(_ target: Target, _ kind: ProbeKind, timeout: Double) async -> ProbeResult {
        let endpoint = kind == .liveness ? target.profile.endpoints.liveness : target.profile.endpoints.readiness
        switch await transport.send(endpoint.method, target.url(endpoint.path), options: options, timeout: timeout, maxBytes: 64 << 10) {
        case .success(let answer):
            return ProbeResult(isPassing: answer.isSuccess, status: answer.status, detail: answer.firstLine())
        case .failure(let failure):
            return ProbeResult(isPassing: false, status: nil, detail: failure.description)
        }
    }

    /// Reads the log level (`GET /log/level` → `{"level":"info"}`).
    public func logLevel(_ target: Target, timeout: Double) async -> (level: String?, error: String?) {
        let endpoint = target.profile.endpoints.logLevel
        switch await transport.send(endpoint.method, target.url(endpoint.path), headers: [("Accept", "application/json")],
                                    options: options, timeout: timeout, maxBytes: 64 << 10) {
        case .success(let answer):
            let body = String(decoding: answer.body, as: UTF8.self)
            if answer.isSuccess, let level = LogLevelBody.level(from: body) { return (level, nil) }
            if answer.status == 404 { return (nil, "no \(endpoint.path) endpoint") }
            return (nil, LogLevelBody.error(from: body) ?? "HTTP \(answer.status)")
        case .failure(let failure):
            return (nil, failure.description)
        }
    }

    /// Sets the log level the zap way: `PUT` with `Content-Type: application/json` and `{"level":"debug"}`.
    public func setLogLevel(_ target: Target, level: String, timeout: Double) async -> ActionResult {
        let endpoint = target.profile.endpoints.setLogLevel
        let body = Array("{\"level\":\"\(level.replacingOccurrences(of: "\"", with: ""))\"}".utf8)
        return await action(endpoint, target, body: body, contentType: "application/json", timeout: timeout)
    }

    public func drain(_ target: Target, timeout: Double) async -> ActionResult {
        await action(target.profile.endpoints.drain, target, body: nil, contentType: nil, timeout: timeout)
    }

    public func undrain(_ target: Target, timeout: Double) async -> ActionResult {
        await action(target.profile.endpoints.undrain, target, body: nil, contentType: nil, timeout: timeout)
    }

    func action(_ endpoint: Endpoint, _ target: Target, body: [UInt8]?, contentType: String?, timeout: Double) async -> ActionResult {
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        switch await transport.send(endpoint.method, target.url(endpoint.path), headers: headers, body: body,
                                    options: options, timeout: timeout, maxBytes: 64 << 10) {
        case .success(let answer):
            let text = String(decoding: answer.body.prefix(2048), as: UTF8.self)
            let excerpt = LogLevelBody.error(from: text) ?? answer.firstLine(limit: 200)
            return answer.isSuccess ? .succeeded(status: answer.status, body: text.trimmingCharacters(in: .whitespacesAndNewlines))
                : .rejected(status: answer.status, body: excerpt)
        case .failure(let failure):
            return .failed(failure.description)
        }
    }

    /// Fetches a goroutine dump (`?debug=1` or `?debug=2`), raw.
    public func goroutineDump(_ target: Target, debugLevel: Int, timeout: Double, maxBytes: Int) async -> Result<[UInt8], ScrapeFailure> {
        let endpoint = target.profile.endpoints.goroutineDump
        let separator = endpoint.path.contains("?") ? "&" : "?"
        switch await transport.send(endpoint.method, target.url(endpoint.path + "\(separator)debug=\(debugLevel)"),
                                    options: options, timeout: timeout, maxBytes: maxBytes) {
        case .success(let answer):
            guard answer.isSuccess else { return .failure(.httpStatus(answer.status, answer.firstLine())) }
            return .success(answer.body)
        case .failure(let failure):
            return .failure(failure)
        }
    }
}
