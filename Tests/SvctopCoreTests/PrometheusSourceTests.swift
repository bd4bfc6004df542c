import SvctopTestSupport
import Testing

@testable import SvctopCore

@Suite("Prometheus source: queries, answers, rows that come and go, history on open")
struct PrometheusSourceTests {
    static func source(_ selector: String = "{job=\"api\"}", label: String = "instance") throws -> PrometheusSource {
        try PrometheusSource(url: "http://prom:9090/", selector: selector, instanceLabel: label)
    }

    @Test("selectors are checked before the server sees them; URLs are normalised")
    func selectors() throws {
        #expect(try Self.source().matchers == "job=\"api\"")
        #expect(try Self.source().url == "http://prom:9090")
        #expect(try Self.source("job=~\"a|b\", namespace!=\"x\"").matchers == "job=~\"a|b\", namespace!=\"x\"")
        #expect(try Self.source("").matchers == "")
        for bad in ["{job=\"api\"", "go_goroutines{job=\"api\"}", "{job=\"api}", "checkout"] {
            #expect(throws: SourceError.self, "\(bad)") { try Self.source(bad) }
        }
        #expect(throws: SourceError.self) { try Self.source(label: "pod-name") }
        #expect(throws: SourceError.self) { try PrometheusSource(url: "ftp://x") }
    }

    @Test("two queries cover every signal; the number never depends on the fleet; the selector is in every part")
    func queries() throws {
        let q = PromQueries(source: try Self.source(label: "pod"), profile: .go)
        let scalars = q.scalars()
        for name in [
            "go_goroutines", "process_resident_memory_bytes", "go_gc_gomemlimit_bytes", "workerpool_workers_busy",
            "go_sql_in_use_connections", "up", "go_gc_duration_seconds",
        ] {
            #expect(scalars.contains("\(name){job=\"api\"}"), "\(name)")
        }
        #expect(scalars.contains("sum by (pod) (go_goroutines{job=\"api\"})"))
        #expect(scalars.contains("or on(pod)"))
        #expect(!scalars.contains("{}"))
        let latency = try #require(q.latency(window: 60))
        #expect(
            latency.contains(
                "histogram_quantile(0.99, sum by (pod, le) (rate(http_request_duration_seconds_bucket{job=\"api\"}[60s])))"
            ))
        #expect(latency.contains("histogram_count(rate(http_request_duration_seconds{job=\"api\"}[60s]))"))
        #expect(latency.contains("code=~\"5.*\""))
        // One instance's history: the same queries with its matcher added.
        #expect(q.scalars(extra: q.instanceMatcher("a\"b")).contains("go_goroutines{job=\"api\",pod=\"a\\\"b\"}"))
        // The pod behind each instance, in the same query (no label named twice when the instance label is pod).
        #expect(scalars.contains("max by (pod, namespace) (up{job=\"api\"})"), "\(scalars)")
        #expect(
            PromQueries(source: try Self.source(), profile: .go).scalars().contains(
                "label_replace(max by (instance, namespace, pod) (up{job=\"api\"}), \"svctop_signal\", \"pod_ref\", \"\", \"\")"
            ))
        let bare = PromQueries(source: try Self.source(""), profile: .go)
        #expect(bare.scalars().contains("sum by (instance) (go_goroutines)"))
        #expect(PromQueries.duration(90) == "90s" && PromQueries.duration(1.5) == "1500ms")
    }

    static func series(_ instance: String, _ tag: String, _ value: Double, extra: [String: String] = [:]) -> PromSeries
    {
        PromSeries(
            labels: ["instance": instance, "svctop_signal": tag].merging(extra) { a, _ in a },
            points: [.init(time: 1000, value: value)])
    }

    @Test("answers map to the same fields as direct scraping; NaN is unknown, not zero; a bare instance still exists")
    func samples() throws {
        let q = PromQueries(source: try Self.source(), profile: .go)
        let answer = PromAnswer(series: [
            Self.series("a:1", "goroutines", 120, extra: ["svctop_source": "go_goroutines"]),
            Self.series("a:1", "memory_limit", 512e6, extra: ["svctop_source": "go_gc_gomemlimit_bytes"]),
            Self.series("a:1", "up", 1), Self.series("a:1", "seen", 999.5),
            Self.series(
                "a:1", "gc_duration", 0.0004, extra: ["quantile": "0.5", "svctop_source": "go_gc_duration_seconds"]),
            Self.series("a:1", "p99", 0.25), Self.series("a:1", "rate", 40), Self.series("a:1", "errors", .nan),
            Self.series("b:2", "up", 0),
            PromSeries(labels: ["svctop_signal": "goroutines"], points: [.init(time: 1000, value: 5)]),
            Self.series("c:3", "no_such_tag", 1),
        ])
        let samples = q.samples([answer])
        #expect(Set(samples.keys) == ["a:1", "b:2"])
        let a = try #require(samples["a:1"])
        #expect(a.reading.goroutines == 120 && a.reading.sources[.goroutines] == "go_goroutines")
        #expect(a.reading.memoryLimit == 512e6 && a.reading.sources[.memoryLimit] == "go_gc_gomemlimit_bytes")
        #expect(a.reading.gcPauses == [0.5: 0.0004])
        #expect(a.up == 1 && a.seen == 999.5)
        #expect(a.latency.p99 == 0.25 && a.latency.rate == 40 && a.latency.errorRatio == nil)
        #expect(a.reading.memory == nil, "absent is unknown")
        #expect(samples["b:2"]?.up == 0)
        #expect(a.pod == nil)
        let pods = q.samples([
            PromAnswer(series: [
                Self.series("10.0.0.7:8080", "pod_ref", 1, extra: ["namespace": "shop", "pod": "api-7d9f-x2"]),
                Self.series("10.0.0.8:8080", "pod_ref", 1, extra: ["namespace": "shop"]),
            ])
        ])
        #expect(pods["10.0.0.7:8080"]?.pod == SourcePod(namespace: "shop", name: "api-7d9f-x2"))
        #expect(pods["10.0.0.8:8080"] != nil && pods["10.0.0.8:8080"]?.pod == nil)
    }

    @Test(
        "latency by handler: one instance's query grouped by instance and handler (every handler, even with one pinned); answers as its handlers, busiest first"
    )
    func handlers() throws {
        var profile = Profile.go
        profile.latencyHandler = "/api/orders"
        let q = PromQueries(source: try Self.source(), profile: profile)
        #expect(try #require(q.latency(window: 60)).contains("handler=\"/api/orders\""), "the totals keep the pin")
        let query = try #require(q.latency(window: 60, extra: q.instanceMatcher("a:1"), byHandler: true))
        #expect(!query.contains("handler=\"/api/orders\""), "\(query)")
        #expect(
            query.contains(
                "histogram_quantile(0.5, sum by (instance, handler, le) (rate(http_request_duration_seconds_bucket{job=\"api\",instance=\"a:1\"}[60s])))"
            ), "\(query)")
        #expect(query.contains("sum by (instance, handler) (rate(http_request_duration_seconds_count{"))
        #expect(query.contains("or on(instance, handler) (0 * sum by (instance, handler)"), "\(query)")
        #expect(!query.contains("or on(instance) "), "a handler never hides another: \(query)")

        let answer = PromAnswer(series: [
            Self.series("a:1", "p50", 0.01, extra: ["handler": "/api/orders"]),
            Self.series("a:1", "p99", 0.2, extra: ["handler": "/api/orders"]),
            Self.series("a:1", "rate", 12, extra: ["handler": "/api/orders"]),
            Self.series("a:1", "errors", 0, extra: ["handler": "/api/orders"]),
            Self.series("a:1", "rate", 30, extra: ["handler": "/api/search"]),
            Self.series("a:1", "errors", 0.1, extra: ["handler": "/api/search"]),
            Self.series("a:1", "p50", .nan, extra: ["handler": "/api/idle"]),
            Self.series("a:1", "rate", 5),
        ])
        let handlers = try #require(q.handlers([answer])["a:1"])
        #expect(handlers.map(\.handler) == ["/api/search", "/api/orders", "/api/idle"])
        #expect(handlers[1].summary == LatencySummary(p50: 0.01, p99: 0.2, rate: 12, errorRatio: 0))
        #expect(handlers[0].summary.errorRatio == 0.1 && handlers[0].summary.p50 == nil)
        #expect(handlers[2].summary == LatencySummary(), "no requests: listed, every figure unknown")
    }

    @Test("with a pod proxy, an instance whose series name its pod is reached through it, at its port; others directly")
    func podRoute() throws {
        var state = AppState(targets: [], now: 1000)
        state.source = SourceState(url: "http://prom:9090")
        state.source?.podProxy = "http://127.0.0.1:8001"
        state.source?.podContext = "prod"
        var r = refresh(1000, ["10.0.0.7:8080": 10, "10.0.0.9:9090": 20, "checkout-x": 5])
        r.samples["10.0.0.7:8080"]?.pod = SourcePod(namespace: "shop", name: "api-0")
        r.samples["checkout-x"]?.pod = SourcePod(namespace: "shop", name: "checkout-x")
        _ = state.reduce(.sourceRefreshed(r), now: 1000)
        let routed = state.instances[0].target
        #expect(routed.name == "10.0.0.7:8080" && routed.sourceKey == "10.0.0.7:8080")
        #expect(routed.baseURL == "http://127.0.0.1:8001/api/v1/namespaces/shop/pods")
        #expect(routed.profile.endpoints.setLogLevel.path == "/api-0:8080/proxy/log/level")
        #expect(routed.kubernetes == ["context": "prod", "namespace": "shop", "pod": "api-0"])
        #expect(state.instances[1].target.baseURL == "http://10.0.0.9:9090", "no pod labels: directly")
        #expect(!state.instances[2].target.isReachable, "no port to reach: still unreachable")
        // Without a pod proxy the address is the instance's own.
        var plain = AppState(targets: [], now: 1000)
        plain.source = SourceState(url: "http://prom:9090")
        _ = plain.reduce(.sourceRefreshed(r), now: 1000)
        #expect(plain.instances[0].target.baseURL == "http://10.0.0.7:8080")
    }

    func refresh(_ time: Double, _ instances: [String: Double]) -> SourceRefresh {
        var samples: [String: SourceSample] = [:]
        for (key, goroutines) in instances {
            var s = SourceSample()
            s.reading.goroutines = goroutines
            s.up = 1
            s.seen = time
            samples[key] = s
        }
        return SourceRefresh(time: time, samples: samples)
    }

    @Test("instances appear as rows, keep them, go gone with their last values, and come back")
    func rows() throws {
        var state = AppState(targets: [], now: 1000)
        state.source = SourceState(url: "http://prom:9090")
        _ = state.reduce(.sourceRefreshed(refresh(1000, ["a:1": 10, "b:2": 20])), now: 1000)
        #expect(state.instances.map(\.name) == ["a:1", "b:2"])
        #expect(state.instances[0].target.isReachable && state.instances[0].target.baseURL == "http://a:1")
        _ = state.reduce(.sourceRefreshed(refresh(1001, ["b:2": 21, "c:3": 30])), now: 1001)
        #expect(state.instances.map(\.name) == ["a:1", "b:2", "c:3"])
        #expect(state.instances[0].status == .down(.gone))
        #expect(state.instances[0].reading?.goroutines == 10, "the last values stay")
        #expect(state.instances[0].reasons.first?.contains("gone") == true)
        _ = state.reduce(.sourceRefreshed(refresh(1002, ["a:1": 11, "b:2": 22, "c:3": 30])), now: 1002)
        #expect(state.instances[0].status == .up && state.instances[0].reading?.goroutines == 11)
        #expect(state.source?.rows.count == 3)
    }

    @Test("a source instance with no address: dumps, profiles, level and drain refuse with the reason; none is sent")
    func unreachable() throws {
        var state = AppState(targets: [], now: 1000)
        state.source = SourceState(url: "http://prom:9090")
        _ = state.reduce(.sourceRefreshed(refresh(1000, ["checkout-7d9f": 10])), now: 1000)
        #expect(!state.instances[0].target.isReachable)
        for key in ["g", "G", "l", "D", "p", "H"] {
            let effects = state.reduce(.keyPressed(.char(Character(key))), now: 1001)
            #expect(effects.isEmpty && state.dialog == nil, "\(key)")
            #expect(state.message?.text.contains("no address") == true, "\(key)")
        }
    }

    @Test("history on open: a leak running for 30 minutes is flagged at the first refresh, the trend is drawn")
    func historyFlagsLeak() throws {
        var state = AppState(targets: [], now: 5000)
        state.source = SourceState(url: "http://prom:9090")
        _ = state.reduce(
            .sourceConfigured(
                SourceConfiguration(
                    scrapeInterval: 15, refreshInterval: 15, rateWindow: 60)),
            now: 5000)
        #expect(state.settings.interval == 15)
        let points = stride(from: 3200.0, through: 4990, by: 15).map {
            TimeSeries.Point(time: $0, value: 100 + ($0 - 3200) / 60 * 20)
        }
        _ = state.reduce(
            .sourceHistoryLoaded(SourceHistory(series: ["a:1": [.signal(.goroutines): points]], isFull: false)),
            now: 5000)
        _ = state.reduce(.sourceRefreshed(refresh(5000, ["a:1": 700])), now: 5000)
        let a = state.instances[0]
        #expect(a.goroutines.count == points.count + 1)
        #expect(a.isLeakSuspected)
        #expect(a.reasons.contains { $0.contains("goroutine leak") })
        // Opening it asks for its full history once.
        state.selected = 0
        #expect(state.reduce(.keyPressed(.enter), now: 5001) == [.loadSourceHistory(0, key: "a:1")])
    }

    @Test("backfill keeps only points older than those held, and the newest when it does not fit")
    func backfill() {
        var s = TimeSeries(capacity: 4)
        s.append(time: 10, value: 1)
        s.backfill([
            .init(time: 7, value: 7), .init(time: 8, value: 8), .init(time: 9, value: 9), .init(time: 10, value: 99),
        ])
        #expect(s.points.map(\.time) == [7, 8, 9, 10] && s.last?.value == 1)
        s.backfill([.init(time: 1, value: 1)])
        #expect(s.points.map(\.time) == [7, 8, 9, 10])
    }

    @Test(
        "the API's JSON: vectors, matrices, scalars, errors, warnings, escapes; unknown keys and native points skipped")
    func responses() throws {
        let vector = #"""
            {"status":"success","warnings":["partial response"],"infos":["PromQL info: x"],"data":{"resultType":"vector",
             "result":[{"metric":{"instance":"a:1","path":"/q\"x\u00e9\ud83d\ude00\n"},"value":[1700000000.25,"+Inf"]},
                       {"metric":{},"histogram":[1700000000,{"count":"3","buckets":[[0,"0.1","0.2","3"]]}]},
                       {"metric":{"x":"y"},"value":[1.7e9,"NaN"],"extra":{"deep":[true,false,null,-1.5e-3]}}]}}
            """#
        let v = try PromResponseReader.read(Array(vector.utf8))
        #expect(v.status == "success" && v.resultType == "vector")
        #expect(v.warnings == ["partial response", "PromQL info: x"])
        #expect(v.series.count == 3)
        #expect(v.series[0].labels == ["instance": "a:1", "path": "/q\"xé😀\n"])
        #expect(v.series[0].points == [.init(time: 1_700_000_000.25, value: .infinity)])
        #expect(v.series[1].points.isEmpty, "a native histogram point is not a float")
        #expect(v.series[2].points.first?.value.isNaN == true && v.series[2].points.first?.time == 1.7e9)

        let matrix =
            #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"1"],[2,"2.5"],[3,"-4e2"]]}]}}"#
        #expect(try PromResponseReader.read(Array(matrix.utf8)).series[0].points.map(\.value) == [1, 2.5, -400])
        let scalar = #"{"status":"success","data":{"resultType":"scalar","result":[5,"7"]}}"#
        #expect(
            try PromResponseReader.read(Array(scalar.utf8)).series == [
                PromSeries(labels: [:], points: [.init(time: 5, value: 7)])
            ])
        let error = #"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#
        let e = try PromResponseReader.read(Array(error.utf8))
        #expect(e.status == "error" && e.errorType == "bad_data" && e.error == "parse error at char 3")

        for bad in [
            "", "{", "[1,2]x", "{\"data\":{\"result\":[{\"value\":[1,2]}]}}", String(repeating: "[", count: 100),
            "{\"status\":\"succ", "<html>", "{\"a\":tru}",
        ] {
            #expect(throws: PromResponseReader.Failure.self, "\(bad)") { try PromResponseReader.read(Array(bad.utf8)) }
        }
    }

    @Test("truncated and mutated answers never crash")
    func responseFuzz() throws {
        var answer = #"{"status":"success","warnings":["w"],"data":{"resultType":"matrix","result":["#
        for i in 0..<20 {
            answer +=
                (i > 0 ? "," : "")
                + #"{"metric":{"instance":"10.0.0.\#(i):8080","svctop_signal":"p99"},"values":[[1,"0.5"],[2,"NaN"]]}"#
        }
        answer += "]}}"
        let bytes = Array(answer.utf8)
        #expect(try PromResponseReader.read(bytes).series.count == 20)
        var random = SeededRandom.forFuzzing("prometheus API JSON")
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            _ = try? PromResponseReader.read(Array(bytes[..<cut]))
        }
        for _ in 0..<1000 {
            var m = bytes
            for _ in 0..<4 {
                m[Int.random(in: 0..<m.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if let r = try? PromResponseReader.read(m) { #expect(r.series.count <= 20, "\(random.label)") }
        }
    }
}
