import Foundation
import NIOCore
import SvctopCore

/// Talks to a service: builds the scrape engine's poll requests and reads their answers, and sends the one-off
/// requests (log level, drain, undrain, dumps). There is one scraping path: the engine's (`ScrapeEngine`).
/// Stateless apart from the shared transport; safe to use from many tasks.
public struct ServiceClient: Sendable {
    public let transport: HTTPTransport
    /// The default credentials, headers and TLS; a target's own (`Target.transport`) replace them.
    public let options: TransportOptions

    public init(transport: HTTPTransport, options: TransportOptions = TransportOptions()) {
        self.transport = transport
        self.options = options
    }

    /// What a request to `target` carries: its own options when the config gave it some, else the defaults.
    public func options(for target: Target) -> TransportOptions { target.transport ?? options }

    /// Where a target is, and the three requests the scrape engine sends it every interval (plus the log-level
    /// read it sends now and then), built once: URL parsed, headers and credentials set, TLS files loaded.
    public struct PollRequests: Sendable {
        public var address: PollAddress
        /// Where liveness and readiness go, when not to `address` (`Target.probeBaseURL`).
        public var probeAddress: PollAddress?
        public var metrics: PollRequest
        public var liveness: PollRequest
        public var readiness: PollRequest
        public var logLevel: PollRequest
        /// How the target's profile reads a scrape: only its names are parsed, straight into a reading (nil when
        /// the profile maps nothing: everything is parsed).
        public var plan: ReadingPlan?
    }

    public func pollRequests(_ target: Target, maxBytes: Int? = nil) -> Result<PollRequests, ScrapeFailure> {
        let access = options(for: target)
        let probeAddress: PollAddress?
        switch target.probeBaseURL.map({ PollAddress.make(baseURL: $0, options: access) }) {
        case .failure(let failure): return .failure(failure)
        case .success(let address): probeAddress = address
        case nil: probeAddress = nil
        }
        return PollAddress.make(baseURL: target.baseURL, options: access).map { address in
            let endpoints = target.profile.endpoints
            func make(
                _ endpoint: Endpoint, _ extra: [(String, String)], _ limit: Int, at where: PollAddress? = nil
            ) -> PollRequest {
                PollRequest(
                    method: endpoint.method, path: endpoint.path, address: `where` ?? address,
                    headers: HTTPTransport.headers(options: access, extra: extra), maxBytes: limit)
            }
            let metricsLimit = min(maxBytes ?? transport.maxBodyBytes, transport.maxBodyBytes)
            return PollRequests(
                address: address,
                probeAddress: probeAddress,
                // Compressed, like a Prometheus scrape, loopback targets too: promhttp writes an uncompressed
                // exposition in 4 KiB pieces as it encodes it, each a wake-up of its own (docs/performance.md).
                metrics: make(endpoints.metrics, ServiceClient.scrapeHeaders, metricsLimit),
                liveness: make(endpoints.liveness, [], ServiceClient.smallBody, at: probeAddress),
                readiness: make(endpoints.readiness, [], ServiceClient.smallBody, at: probeAddress),
                logLevel: make(endpoints.logLevel, ServiceClient.jsonHeaders, ServiceClient.smallBody),
                plan: target.profile.signals.isEmpty ? nil : ReadingPlan.of(target.profile))
        }
    }

    // MARK: Reading answers

    static let scrapeHeaders = [("Accept", ExpositionFormat.acceptHeader)]
    static let jsonHeaders = [("Accept", "application/json")]
    /// The cap for probe, log-level and action answers.
    static let smallBody = 64 << 10

    /// A scrape's answer as a reading (read through `plan`, when given) or as samples, or the reason it has
    /// neither.
    public static func scrapeOutcome(
        _ result: Result<HTTPAnswer, ScrapeFailure>, duration: Double, plan: ReadingPlan? = nil
    ) -> ScrapeOutcome {
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
                let read = plan.map { plan in
                    answer.body.withUnsafeReadableBytes { plan.read($0.bindMemory(to: UInt8.self), format: format) }
                }
                if let read, read.samples > 0 {
                    return .read(
                        read.reading, rejectedLines: read.rejectedLines, parseError: read.firstError,
                        duration: duration)
                }
                // None of the wanted names: the whole answer is parsed, so a page that is not an exposition is said
                // to be none, and an exposition of other names is still a good scrape.
                let metrics = answer.body.withUnsafeReadableBytes { raw in
                    MetricSet.parse(raw.bindMemory(to: UInt8.self), format: format, keepsHelp: false)
                }
                if metrics.samples.isEmpty {
                    let reason =
                        metrics.firstError.map(\.description)
                        ?? (answer.body.readableBytes == 0 ? "empty response" : "no samples")
                    return .failure(.parse(reason), duration: duration)
                }
                return .success(metrics, duration: duration)
            }
        }
    }

    /// A probe's answer: 2xx passes; anything else fails with its status and first body line.
    public static func probeResult(_ result: Result<HTTPAnswer, ScrapeFailure>) -> ProbeResult {
        switch result {
        case .success(let answer):
            return ProbeResult(isPassing: answer.isSuccess, status: answer.status, detail: answer.firstLine())
        case .failure(let failure):
            return ProbeResult(isPassing: false, status: nil, detail: failure.description)
        }
    }

    /// A log-level answer (`{"level":"info"}`), or why there is no level.
    public static func logLevel(
        _ result: Result<HTTPAnswer, ScrapeFailure>, path: String
    ) -> (level: String?, error: String?) {
        switch result {
        case .success(let answer):
            let body = answer.text()
            if answer.isSuccess, let level = LogLevelBody.level(from: body) { return (level, nil) }
            if answer.status == 404 { return (nil, "no \(path) endpoint") }
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

    func action(
        _ endpoint: Endpoint, _ target: Target, body: [UInt8]?, contentType: String?, timeout: Double
    ) async -> ActionResult {
        var headers = ServiceClient.jsonHeaders
        if let contentType { headers.append(("Content-Type", contentType)) }
        switch await transport.send(
            endpoint.method, target.url(endpoint.path), headers: headers, body: body,
            options: options(for: target), timeout: timeout, maxBytes: ServiceClient.smallBody)
        {
        case .success(let answer):
            let text = answer.text(limit: 2048)
            let excerpt = LogLevelBody.error(from: text) ?? answer.firstLine(limit: 200)
            return answer.isSuccess
                ? .succeeded(status: answer.status, body: text.trimmingCharacters(in: .whitespacesAndNewlines))
                : .rejected(status: answer.status, body: excerpt)
        case .failure(let failure):
            return .failed(failure.description)
        }
    }

    /// Fetches a goroutine dump (`?debug=1` or `?debug=2`), raw.
    public func goroutineDump(
        _ target: Target, debugLevel: Int, timeout: Double, maxBytes: Int
    ) async -> Result<[UInt8], ScrapeFailure> {
        await fetch(
            target.profile.endpoints.goroutineDump, query: "debug=\(debugLevel)", target, timeout: timeout,
            maxBytes: maxBytes)
    }

    /// Fetches a CPU profile of `seconds` (`?seconds=N`) or a heap profile, as served (gzip-compressed protobuf).
    public func profile(
        _ target: Target, kind: PprofKind, seconds: Int, timeout: Double, maxBytes: Int
    ) async -> Result<[UInt8], ScrapeFailure> {
        await fetch(
            target.profile.endpoints.pprof(kind), query: kind == .cpu ? "seconds=\(seconds)" : nil, target,
            timeout: timeout, maxBytes: maxBytes)
    }

    /// A raw body from a debug endpoint; an error status is a failure with the body's first line.
    func fetch(
        _ endpoint: Endpoint, query: String?, _ target: Target, timeout: Double, maxBytes: Int
    ) async -> Result<[UInt8], ScrapeFailure> {
        let separator = endpoint.path.contains("?") ? "&" : "?"
        let path = query.map { endpoint.path + separator + $0 } ?? endpoint.path
        switch await transport.send(
            endpoint.method, target.url(path), options: options(for: target), timeout: timeout, maxBytes: maxBytes)
        {
        case .success(let answer):
            guard answer.isSuccess else { return .failure(.httpStatus(answer.status, answer.firstLine())) }
            return .success(answer.bytes)
        case .failure(let failure):
            return .failure(failure)
        }
    }
}
