import SvctopCore
import Testing

@Suite("screens of a fleet from a Prometheus-compatible source")
struct SourceScreenTests {
    static func refresh(
        _ time: Double, _ goroutines: [String: Double], up: Double = 1, warnings: [String] = []
    )
        -> SourceRefresh
    {
        var samples: [String: SourceSample] = [:]
        for (key, g) in goroutines {
            var s = SourceSample()
            s.reading.goroutines = g
            s.reading.memory = 100e6
            s.reading.memoryLimit = 400e6
            s.reading.sources[.latency] = "http_request_duration_seconds"
            s.latency = LatencySummary(p50: 0.02, p90: 0.05, p99: 0.2, rate: 40, errorRatio: 0.001)
            s.up = key == "b:2" ? up : 1
            s.seen = time
            samples[key] = s
        }
        return SourceRefresh(time: time, samples: samples, warnings: warnings)
    }

    @Test("rows, HEALTH from up, gone rows with their last values, the server's warnings and errors in the status bar")
    func fleet() throws {
        var app = AppHarness(names: [])
        app.useSource("https://thanos.example:10902")
        app.send(
            .sourceConfigured(
                SourceConfiguration(
                    scrapeInterval: 15, refreshInterval: 15, rateWindow: 60)))
        app.send(.sourceRefreshed(Self.refresh(app.now, ["a:1": 120, "b:2": 80])))
        var screen = app.screen
        #expect(
            screen.contains("prometheus thanos.example:10902 · 2 instances · every 15s · refreshed 0s ago"), "\(screen)"
        )
        let a = try #require(screen.split(separator: "\n").last { $0.contains("a:1") })
        #expect(a.contains(" up ") && a.contains("120") && a.contains("200ms") && a.contains("40"), "\(a)")
        #expect(!screen.contains("ready "), "svctop does not probe a source's instances")

        app.advance(15)
        app.send(
            .sourceRefreshed(
                Self.refresh(app.now, ["b:2": 81], up: 0, warnings: ["partial response: store 10.0.0.7 down"])))
        screen = app.screen
        let gone = try #require(screen.split(separator: "\n").last { $0.contains("a:1") })
        #expect(gone.contains("gone") && gone.contains("120"), "the last values stay: \(gone)")
        let down = try #require(screen.split(separator: "\n").last { $0.contains("b:2") })
        #expect(down.contains("up=0"), "\(down)")
        #expect(screen.contains("│ server warning: partial response: store 10.0.0.7 down"), "\(screen)")

        app.send(.sourceFailed("the fleet query: bad_data: parse error"))
        #expect(app.screen.contains("│ the fleet query: bad_data: parse error"))
        app.advance(15)
        app.send(.sourceRefreshed(Self.refresh(app.now, ["a:1": 130, "b:2": 82])))
        screen = app.screen
        #expect(!screen.contains("bad_data") && !screen.contains("server warning"), "a good refresh clears them")
        #expect(screen.split(separator: "\n").last { $0.contains("a:1") }?.contains("130") == true)
    }

    @Test("the instance view: latency from the server, health from up, and its full history asked for once")
    func instance() throws {
        var app = AppHarness(names: [])
        app.useSource("http://prom:9090")
        app.send(
            .sourceConfigured(
                SourceConfiguration(scrapeInterval: 15, isAssumed: true, refreshInterval: 15, rateWindow: 60)))
        app.send(.sourceRefreshed(Self.refresh(app.now, ["a:1": 120])))
        #expect(app.screen.contains("every 15s (assumed: no series to measure)"), "\(app.screen)")
        app.press(.enter)
        #expect(app.unperformed == [.loadSourceHistory(0, key: "a:1")])
        let screen = app.screen
        #expect(screen.contains("p50 20ms") && screen.contains("p99 200ms") && screen.contains("req/s 40"), "\(screen)")
        #expect(screen.contains("up     ✓ the server scrapes it (up 1)"), "\(screen)")
        #expect(screen.contains("not probed: it comes from the source"))
    }

    @Test("readiness from the service's gauge: in the HEALTH column and the instance view, failing when it is 0")
    func readinessGauge() throws {
        var app = AppHarness(names: [])
        app.useSource("http://prom:9090")
        app.send(.sourceConfigured(SourceConfiguration(scrapeInterval: 15, refreshInterval: 15, rateWindow: 60)))
        func refresh(ready: Double, draining: Double) -> SourceRefresh {
            var r = Self.refresh(app.now, ["a:1": 120, "b:2": 80])
            r.samples["a:1"]!.reading.readyGauge = ready
            r.samples["a:1"]!.reading.drainingGauge = draining
            r.samples["a:1"]!.reading.sources[.ready] = "http_server_ready"
            return r
        }
        app.send(.sourceRefreshed(refresh(ready: 1, draining: 0)))
        var row = try #require(app.screen.split(separator: "\n").last { $0.contains("a:1") })
        #expect(row.contains(" up R✓ "), "\(row)")
        let other = try #require(app.screen.split(separator: "\n").last { $0.contains("b:2") })
        #expect(other.contains(" up ") && !other.contains("R✓"), "no gauge, no readiness: \(other)")

        app.advance(15)
        app.send(.sourceRefreshed(refresh(ready: 0, draining: 1)))
        row = try #require(app.screen.split(separator: "\n").last { $0.contains("a:1") })
        #expect(row.contains(" up R✗"), "\(row)")
        #expect(app.state.instances[0].health.isDraining && app.state.instances[0].health.isReady == false)
        app.press(.enter)
        let screen = app.screen
        #expect(screen.contains("ready  ✗ gauge http_server_ready 0"), "\(screen)")
        #expect(screen.contains("not probed: it comes from the source"))

        // Undrained: the gauges say so, and the instance is ready and no longer draining.
        app.advance(15)
        app.send(.sourceRefreshed(refresh(ready: 1, draining: 0)))
        #expect(!app.state.instances[0].health.isDraining && app.state.instances[0].health.isReady == true)
        #expect(app.screen.contains("ready  ✓ gauge http_server_ready 1"), "\(app.screen)")
    }

    @Test("latency by handler from the server: asked when `h` opens the table and at every refresh while it shows")
    func handlers() throws {
        var app = AppHarness(names: [])
        app.useSource("http://prom:9090")
        app.send(.sourceConfigured(SourceConfiguration(scrapeInterval: 15, refreshInterval: 15, rateWindow: 60)))
        app.send(.sourceRefreshed(Self.refresh(app.now, ["a:1": 120, "b:2": 80])))
        app.press(.enter)
        app.press(.char("h"))
        #expect(app.unperformed == [.loadSourceHistory(0, key: "a:1"), .loadSourceHandlers(0, key: "a:1")])
        #expect(app.screen.contains("asking the server for the latency by 'handler'…"), "\(app.screen)")

        app.send(
            .sourceHandlersLoaded(
                SourceHandlers(
                    key: "a:1", time: app.now,
                    handlers: [
                        HandlerLatency(
                            handler: "/api/search",
                            summary: LatencySummary(p50: 0.03, p99: 0.4, rate: 30, errorRatio: 0.2)),
                        HandlerLatency(
                            handler: "/api/orders",
                            summary: LatencySummary(p50: 0.01, p99: 0.1, rate: 10, errorRatio: 0)),
                    ])))
        var screen = app.screen
        #expect(screen.contains("h: back · the server's, 0s ago"), "\(screen)")
        let search = try #require(screen.split(separator: "\n").first { $0.contains("/api/search") })
        #expect(search.contains("30") && search.contains("30ms") && search.contains("400ms") && search.contains("20%"))
        #expect(screen.contains("/api/orders"))

        app.advance(15)
        app.send(.sourceRefreshed(Self.refresh(app.now, ["a:1": 121, "b:2": 80])))
        #expect(app.unperformed.last == .loadSourceHandlers(0, key: "a:1"), "asked again at the refresh")
        #expect(app.screen.contains("the server's, 15s ago"))
        let asked = app.unperformed.count
        app.press(.char("h"))
        app.advance(15)
        app.send(.sourceRefreshed(Self.refresh(app.now, ["a:1": 122, "b:2": 80])))
        #expect(app.unperformed.count == asked, "not asked once the table is closed")
        screen = app.screen
        #expect(!screen.contains("/api/search"), "\(screen)")
    }
}
