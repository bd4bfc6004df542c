/// The PromQL svctop sends a Prometheus-compatible server, and how it reads the answers back.
///
/// Every signal of the fleet comes from two queries, whatever the number of instances: one for the gauges and
/// counters (`sum by (instance)` of the profile's candidate names, the first present winning per instance, as
/// in direct scraping), one for latency (`histogram_quantile` over classic buckets, else a native histogram, else
/// a summary's own quantiles; request rate; 5xx ratio). Each part is tagged with a `svctop_signal` label, so one
/// answer carries every signal and the parts never collide.
public struct PromQueries: Sendable {
    public let profile: Profile
    public let matchers: String
    public let instanceLabel: String

    public init(source: PrometheusSource, profile: Profile) {
        self.profile = profile
        self.matchers = source.matchers
        self.instanceLabel = source.instanceLabel
    }

    /// A part of an answer: a signal of `Reading`, or one of the values the server computes.
    public enum Tag: Hashable, Sendable {
        case signal(Signal)
        case up, seen, gcCount
        case p50, p90, p99, rate, errors
        /// The pod behind an instance: its `namespace` and `pod` labels (Kubernetes service discovery's).
        case pod

        public init?(label: String) {
            switch label {
            case "up": self = .up
            case "pod_ref": self = .pod
            case "seen": self = .seen
            case "gc_count": self = .gcCount
            case "p50": self = .p50
            case "p90": self = .p90
            case "p99": self = .p99
            case "rate": self = .rate
            case "errors": self = .errors
            default:
                guard let s = Signal(rawValue: label) else { return nil }
                self = .signal(s)
            }
        }

        public var label: String {
            switch self {
            case .signal(let s): return s.rawValue
            case .up: return "up"
            case .pod: return "pod_ref"
            case .seen: return "seen"
            case .gcCount: return "gc_count"
            case .p50: return "p50"
            case .p90: return "p90"
            case .p99: return "p99"
            case .rate: return "rate"
            case .errors: return "errors"
            }
        }
    }

    static let tagLabel = "svctop_signal"
    static let sourceLabel = "svctop_source"

    /// The signals read as a plain sum per instance.
    static let summed: [Signal] = [
        .goroutines, .threads, .memory, .heap, .inflight, .workersBusy, .workersMax, .queueDepth, .queueCapacity,
        .rejected, .dbInUse, .dbMaxOpen, .dbWaitCount, .dbWaitDuration, .startTime, .draining, .ready,
    ]

    /// `name{matchers}` with `extra` matchers added.
    func selector(_ name: String, _ extra: String = "") -> String {
        let all = [matchers, extra].filter { !$0.isEmpty }.joined(separator: ",")
        return all.isEmpty ? name : "\(name){\(all)}"
    }

    func tagged(_ expression: String, _ tag: Tag) -> String {
        "label_replace(\(expression), \"\(Self.tagLabel)\", \"\(tag.label)\", \"\", \"\")"
    }

    func sourced(_ expression: String, _ name: String) -> String {
        "label_replace(\(expression), \"\(Self.sourceLabel)\", \"\(name)\", \"\", \"\")"
    }

    /// The first present of `parts` per instance (per `group` of labels).
    func firstPresent(_ parts: [String], on group: String? = nil) -> String {
        parts.count == 1
            ? parts[0] : parts.map { "(\($0))" }.joined(separator: " or on(\(group ?? instanceLabel)) ")
    }

    /// Gauges, counters, `up` and when it was last scraped, GC pauses: one query, `extra` matchers added (an
    /// instance, for its own history). `only` keeps those signals alone (the fleet's short history).
    public func scalars(extra: String = "", only: Set<Signal>? = nil) -> String {
        let by = "by (\(instanceLabel))"
        var parts: [String] = []
        for signal in Self.summed + [.memoryLimit] where only?.contains(signal) ?? true {
            let names = profile.candidates(signal).flatMap { [$0, $0 + "_total"] }
            guard !names.isEmpty else { continue }
            let candidates = names.map { name in
                let sum = "sum \(by) (\(selector(name, extra)))"
                // Go's "no limit" is math.MaxInt64: not a limit.
                return sourced(signal == .memoryLimit ? "(\(sum) > 0 < 9.2e18)" : sum, name)
            }
            parts.append(tagged(firstPresent(candidates), .signal(signal)))
        }
        if only != nil { return parts.joined(separator: " or ") }
        parts.append(tagged("max \(by) (\(selector("up", extra)))", .up))
        parts.append(tagged("max \(by) (timestamp(\(selector("up", extra))))", .seen))
        // The pod behind each instance, where the series say (Kubernetes discovery adds namespace and pod): its
        // requests can then go through the API server's pod proxy.
        let podLabels = [instanceLabel, "namespace", "pod"].reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        parts.append(
            tagged("max by (\(podLabels.joined(separator: ", "))) (\(selector("up", extra)))", .pod))
        for name in profile.candidates(.gcDuration) {
            parts.append(
                tagged(
                    sourced("max by (\(instanceLabel), quantile) (\(selector(name, extra)))", name),
                    .signal(.gcDuration)))
            parts.append(tagged(sourced("sum \(by) (\(selector(name + "_count", extra)))", name), .gcCount))
        }
        return parts.joined(separator: " or ")
    }

    /// Latency quantiles, request rate and 5xx ratio over `window` seconds: one query. `byHandler` breaks them
    /// down by the profile's handler label too (every handler, even where the profile pins one for the totals).
    public func latency(window: Double, extra: String = "", byHandler: Bool = false) -> String? {
        let names = profile.candidates(.latency)
        guard !names.isEmpty else { return nil }
        let w = Self.duration(window)
        let handler =
            byHandler ? "" : profile.latencyHandler.map { "\(profile.handlerLabel)=\(Self.quoted($0))" } ?? ""
        let only = [extra, handler].filter { !$0.isEmpty }.joined(separator: ",")
        let group = byHandler ? "\(instanceLabel), \(profile.handlerLabel)" : instanceLabel
        let by = "by (\(group))"
        var parts: [String] = []
        for (tag, q) in [(Tag.p50, "0.5"), (.p90, "0.9"), (.p99, "0.99")] {
            let ways = names.flatMap { name in
                [
                    "histogram_quantile(\(q), sum by (\(group), le) (rate(\(selector(name + "_bucket", only))[\(w)])))",
                    "histogram_quantile(\(q), sum \(by) (rate(\(selector(name, only))[\(w)])))",
                    "max \(by) (\(selector(name, [only, "quantile=\"\(q)\""].filter { !$0.isEmpty }.joined(separator: ","))))",
                ]
            }
            parts.append(tagged(firstPresent(ways, on: group), tag))
        }
        let requests = names.flatMap { name in
            [
                "sum \(by) (rate(\(selector(name + "_count", only))[\(w)]))",
                "sum \(by) (histogram_count(rate(\(selector(name, only))[\(w)])))",
            ]
        }
        parts.append(tagged(firstPresent(requests, on: group), .rate))
        let errorOnly = [only, "code=~\"5.*\""].filter { !$0.isEmpty }.joined(separator: ",")
        let errors = names.flatMap { name in
            let total = "sum \(by) (rate(\(selector(name + "_count", only))[\(w)]))"
            let nativeTotal = "sum \(by) (histogram_count(rate(\(selector(name, only))[\(w)])))"
            let nativeErrors = "sum \(by) (histogram_count(rate(\(selector(name, errorOnly))[\(w)])))"
            return [
                "(sum \(by) (rate(\(selector(name + "_count", errorOnly))[\(w)])) or on(\(group)) (0 * \(total))) / \(total)",
                "(\(nativeErrors) or on(\(group)) (0 * \(nativeTotal))) / \(nativeTotal)",
            ]
        }
        parts.append(tagged(firstPresent(errors, on: group), .errors))
        return parts.joined(separator: " or ")
    }

    /// A matcher selecting one instance.
    public func instanceMatcher(_ key: String) -> String { "\(instanceLabel)=\(Self.quoted(key))" }

    /// The query whose answer tells which instances exist (and, for one, how far apart its samples are).
    public var upQuery: String { selector("up") }

    /// `30s`, `1m30s` → PromQL durations, whole milliseconds.
    static func duration(_ seconds: Double) -> String {
        let ms = max(1, Int((seconds * 1000).rounded()))
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }

    /// A PromQL string literal.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    // MARK: Reading answers

    /// The latest value of every tagged series, per instance. Series without the instance label or a known tag
    /// are ignored; NaN and infinite values are unknown, not zero.
    public func samples(_ answers: [PromAnswer]) -> [String: SourceSample] {
        var out: [String: SourceSample] = [:]
        for answer in answers {
            for series in answer.series {
                guard let key = series.labels[instanceLabel], let tagText = series.labels[Self.tagLabel],
                    let tag = Tag(label: tagText)
                else { continue }
                var sample = out[key] ?? SourceSample()
                // An instance seen in any answer exists, even when this series has no usable value.
                defer { out[key] = sample }
                guard let value = series.points.last?.value, value.isFinite else { continue }
                switch tag {
                case .signal(.gcDuration):
                    if let q = series.labels["quantile"].flatMap(Double.init) { sample.reading.gcPauses[q] = value }
                    if let name = series.labels[Self.sourceLabel] { sample.reading.sources[.gcDuration] = name }
                case .signal(let signal):
                    sample.reading.set(signal, value)
                    if let name = series.labels[Self.sourceLabel] { sample.reading.sources[signal] = name }
                case .up: sample.up = value
                case .seen: sample.seen = value
                case .pod:
                    if let namespace = series.labels["namespace"], let pod = series.labels["pod"], !namespace.isEmpty,
                        !pod.isEmpty
                    {
                        sample.pod = SourcePod(namespace: namespace, name: pod)
                    }
                case .gcCount: sample.reading.gcCount = value
                case .p50, .p90, .p99, .rate, .errors:
                    sample.reading.sources[.latency] = profile.candidates(.latency).first
                    sample.latency.set(tag, value)
                }
            }
        }
        if let limit = profile.memoryLimit {

            for key in out.keys where out[key]?.reading.memoryLimit == nil {
                out[key]?.reading.memoryLimit = limit
                out[key]?.reading.sources[.memoryLimit] = "config memory_limit"
            }
        }
        return out
    }

    /// A by-handler latency answer (`latency(…, byHandler: true)`) as each instance's handlers, busiest first. A
    /// handler whose figures are all NaN (no requests in the window) is still listed, with unknown figures.
    public func handlers(_ answers: [PromAnswer]) -> [String: [HandlerLatency]] {
        var found: [String: [String: LatencySummary]] = [:]
        for answer in answers {
            for series in answer.series {
                guard let key = series.labels[instanceLabel], let handler = series.labels[profile.handlerLabel],
                    let tag = series.labels[Self.tagLabel].flatMap(Tag.init(label:))
                else { continue }
                var summary = found[key]?[handler] ?? LatencySummary()
                if let value = series.points.last?.value, value.isFinite { summary.set(tag, value) }
                found[key, default: [:]][handler] = summary
            }
        }
        return found.mapValues { byName in
            byName.map { HandlerLatency(handler: $0.key, summary: $0.value) }.sorted(by: HandlerLatency.busiestFirst)
        }
    }

    /// Range answers as points per instance and tag (finite values only).
    public func history(_ answers: [PromAnswer]) -> [String: [Tag: [TimeSeries.Point]]] {
        var out: [String: [Tag: [TimeSeries.Point]]] = [:]
        for answer in answers {
            for series in answer.series {
                guard let key = series.labels[instanceLabel], let tagText = series.labels[Self.tagLabel],
                    let tag = Tag(label: tagText), tag != .signal(.gcDuration)
                else { continue }
                out[key, default: [:]][tag, default: []] += series.points.filter { $0.value.isFinite }
            }
        }
        return out
    }
}

extension LatencySummary {
    /// Sets the value a latency tag names.
    mutating func set(_ tag: PromQueries.Tag, _ value: Double) {
        switch tag {
        case .p50: p50 = value
        case .p90: p90 = value
        case .p99: p99 = value
        case .rate: rate = value
        case .errors: errorRatio = value
        default: break
        }
    }
}
