/// A Prometheus-compatible query API (Prometheus, Thanos Query, VictoriaMetrics, Mimir) as the source of the
/// fleet: which server, which series, and which label names an instance.
public struct PrometheusSource: Sendable, Equatable {
    /// The server's base URL, e.g. `http://prometheus:9090` or `https://thanos.example/prefix`.
    public var url: String
    /// The label matchers every query carries, without braces: `job="checkout",namespace="prod"`.
    public var matchers: String
    /// The label whose value names an instance (`instance`, `pod`).
    public var instanceLabel: String
    /// How often to refresh; nil means the scrape interval found on the server.
    public var step: Double?
    /// The server's scrape interval for these series; nil means measured from the samples' spacing.
    public var scrapeInterval: Double?
    /// Credentials, headers and TLS for the server; nil means the defaults.
    public var transport: TransportOptions?

    public init(
        url: String, selector: String = "", instanceLabel: String = "instance", step: Double? = nil,
        scrapeInterval: Double? = nil, transport: TransportOptions? = nil
    ) throws(SourceError) {
        var base = url.trimmingSpaces()
        if !base.contains("://") { base = "http://" + base }
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), base.count > "https://".count else {
            throw SourceError("invalid Prometheus URL '\(url)': only http and https URLs are supported")
        }
        while base.hasSuffix("/") { base.removeLast() }
        self.url = base
        self.matchers = try PrometheusSource.matchers(of: selector)
        guard PrometheusSource.isLabelName(instanceLabel) else {
            throw SourceError("invalid instance label '\(instanceLabel)': a label name is letters, digits and _")
        }
        self.instanceLabel = instanceLabel
        self.step = step
        self.scrapeInterval = scrapeInterval
        self.transport = transport
    }

    /// The matchers inside `{…}` (or given bare), checked enough to catch a typo before the server does: balanced
    /// braces and quotes, no metric name.
    static func matchers(of selector: String) throws(SourceError) -> String {
        var text = selector.trimmingSpaces()
        if text.hasPrefix("{") {
            guard text.hasSuffix("}") else { throw SourceError("invalid selector '\(selector)': missing '}'") }
            text = String(text.dropFirst().dropLast()).trimmingSpaces()
        } else if text.contains("{") || text.contains("}") {
            throw SourceError(
                "invalid selector '\(selector)': give label matchers only, like {job=\"api\",namespace=\"prod\"}")
        }
        var inQuote = false
        var escaped = false
        for c in text {
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                inQuote.toggle()
            } else if !inQuote && (c == "{" || c == "}") {
                throw SourceError("invalid selector '\(selector)': unexpected '\(c)'")
            }
        }
        guard !inQuote else { throw SourceError("invalid selector '\(selector)': unclosed quote") }
        if !text.isEmpty && !text.contains("=") && !text.contains("~") {
            throw SourceError("invalid selector '\(selector)': expected label matchers like job=\"api\"")
        }
        return text
    }

    static func isLabelName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }

    /// The refresh interval in force for a measured scrape interval.
    public func refreshInterval(scrapeInterval measured: Double) -> Double { step ?? max(1, measured) }

    /// The rate window: at least four scrape intervals (so a rate always has samples to work on), at least the
    /// latency window the user asked for.
    public func rateWindow(scrapeInterval measured: Double, latencyWindow: Double) -> Double {
        max(latencyWindow, 4 * (scrapeInterval ?? measured))
    }
}
