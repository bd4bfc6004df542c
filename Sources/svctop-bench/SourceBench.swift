import ArgumentParser
import SvctopCore
import SvctopRender

/// `svctop-bench source`: the UI loop's share of a Prometheus source's refresh: reducing one refresh of the whole
/// fleet into the state, and rendering the fleet view after it.
struct SourceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source", abstract: "A Prometheus source's refresh on the UI loop: reduce and render per refresh.")

    @Option(help: "Instances in the fleet.")
    var instances = 2000

    @Option(help: "Refreshes.")
    var refreshes = 50

    func run() {
        let start = 1_700_000_000.0
        var state = AppState(targets: [], now: start)
        state.source = SourceState(url: "http://prom:9090")
        _ = state.reduce(.resized(width: 120, height: 40), now: start)
        let renderer = Renderer()
        var reduceTime: [Double] = []
        var renderTime: [Double] = []
        for r in 0..<refreshes {
            let t = start + Double(r)
            var samples: [String: SourceSample] = [:]
            for i in 0..<instances {
                var s = SourceSample()
                s.reading.goroutines = Double(100 + i % 50 + r)
                s.reading.threads = 12
                s.reading.memory = 80e6 + Double(i) * 1e4
                s.reading.heap = 40e6
                s.reading.memoryLimit = 512e6
                s.reading.workersBusy = Double(i % 8)
                s.reading.workersMax = 8
                s.reading.sources[.latency] = "http_request_duration_seconds"
                s.latency = LatencySummary(p50: 0.02, p90: 0.08, p99: 0.3, rate: 50, errorRatio: 0.001)
                s.up = 1
                s.seen = t
                samples["10.0.\(i / 250).\(i % 250 + 1):8080"] = s
            }
            let refresh = SourceRefresh(time: t, samples: samples)
            reduceTime.append(measure { _ = state.reduce(.sourceRefreshed(refresh), now: t) })
            renderTime.append(measure { _ = renderer.render(state) })
        }
        func summary(_ times: [Double]) -> String {
            let sorted = times.dropFirst().sorted()
            return "median \(format(sorted[sorted.count / 2] * 1000, 2)) ms, max \(format(sorted.last! * 1000, 2)) ms"
        }
        print("\(instances) instances, \(refreshes) refreshes:")
        print("  reduce a refresh: \(summary(reduceTime))")
        print("  render the fleet view after it: \(summary(renderTime))")
    }
}
