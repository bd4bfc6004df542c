import ArgumentParser
import CMallocCounter
import SvctopCore
import SvctopDemo

/// `svctop-bench state`: what the dashboard keeps per watched instance as history grows. Demo services are
/// scraped in process at a simulated 1 s (no network, no terminal), each exposition read as a scrape is (through
/// the profile's `ReadingPlan`, in one pass) and reduced into the state; at each checkpoint it prints the heap in
/// use per instance, the read and reduce times per scrape, and, beside the read, what parsing the same exposition
/// into a `MetricSet` and mapping that to a reading takes.
struct StateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Instance state: heap per instance as history grows, reduce time per scrape.")

    @Option(help: "Instances (healthy demo services).")
    var instances = 200

    @Option(help: "Simulated seconds of 1 s scrapes.")
    var seconds = 900

    @Option(help: "Simulated seconds at which to report (comma-separated).")
    var at = "60,300,600,900,1800,3600"

    @Flag(help: "At the end, what each part of the state holds (the heap given back when it is emptied).")
    var breakdown = false

    func run() {
        let start = 1_700_000_000.0
        let specs = DemoInstanceSpec.fleet(count: instances, only: .healthy)
        let services = specs.enumerated().map {
            SimulatedService(name: $0.element.name, scenario: $0.element.scenario, seed: UInt64($0.offset), now: start)
        }
        let targets = specs.enumerated().map { Target(name: $0.element.name, baseURL: "http://10.0.0.\($0.offset)") }
        let plan = ReadingPlan.of(.go)
        let filter = plan.filter
        let heapBefore = svctop_heap_in_use()
        var state = AppState(targets: targets, now: start)
        _ = state.reduce(.resized(width: 120, height: 40), now: start)
        let checkpoints = Set(at.split(separator: ",").compactMap { Int($0) })
        var reduceTime = 0.0
        var readTime = 0.0
        var setTime = 0.0
        var scrapes = 0
        print("\(instances) healthy demo instances, 1 s scrapes:")
        for second in 1...seconds {
            let t = start + Double(second)
            for (id, service) in services.enumerated() {
                service.advance(to: t)
                let body = service.exposition()
                var scrape: ReadingPlan.Scrape?
                readTime += measure { scrape = body.withUnsafeBufferPointer { plan.read($0, format: .prometheusText) } }
                var viaSet: Reading?
                setTime += measure {
                    let metrics = body.withUnsafeBufferPointer {
                        MetricSet.parse($0, format: .prometheusText, keepsHelp: false, only: filter)
                    }
                    viaSet = Reading(metrics: metrics, profile: .go)
                }
                guard let scrape, scrape.reading == viaSet else { fatalError("the two readings differ") }
                let outcome = ScrapeOutcome.read(
                    scrape.reading, rejectedLines: scrape.rejectedLines, parseError: scrape.firstError, duration: 0.002)
                reduceTime += measure { _ = state.reduce(.scrapeCompleted(id, outcome), now: t) }
                scrapes += 1
            }
            _ = state.reduce(.ticked, now: t)
            if checkpoints.contains(second) {
                let perInstance = Double(svctop_heap_in_use() - heapBefore) / Double(instances) / 1024
                print(
                    "  after \(second) s: heap \(format(perInstance)) KiB per instance; per scrape: read "
                        + "\(format(readTime / Double(scrapes) * 1e6, 2)) µs (parse to a set, then a reading: "
                        + "\(format(setTime / Double(scrapes) * 1e6, 2)) µs), reduce "
                        + "\(format(reduceTime / Double(scrapes) * 1e6, 2)) µs")
                reduceTime = 0
                readTime = 0
                setTime = 0
                scrapes = 0
            }
        }
        if breakdown { Self.breakdown(&state) }
    }

    /// Empties each part of every instance in turn and prints the heap that gave back, per instance.
    static func breakdown(_ state: inout AppState) {
        let fresh = InstanceState(id: 0, target: Target(name: "x", baseURL: "http://x"), settings: state.settings)
        let parts: [(String, (inout InstanceState) -> Void)] = [
            ("goroutines, memory, heap series", { $0.emptyHistory([\.goroutines, \.memory, \.heap], like: fresh) }),
            ("p50, p90, p99 series", { $0.emptyHistory([\.p50, \.p90, \.p99], like: fresh) }),
            (
                "rate, error, pool, db series",
                {
                    $0.emptyHistory(
                        [\.requestRate, \.errorRatio, \.poolUtilization, \.dbUtilization], like: fresh)
                }
            ),
            ("latency window", { $0.latencyWindow = fresh.latencyWindow }),
            ("last reading", { $0.reading = nil }),
            ("the rest of the instance", { $0 = fresh }),
        ]
        print("what each part holds (heap given back when emptied, per instance):")
        for (name, empty) in parts {
            let before = svctop_heap_in_use()
            for i in state.instances.indices { empty(&state.instances[i]) }
            let after = svctop_heap_in_use()
            print("  \(name): \(format(Double(before - after) / Double(state.instances.count) / 1024)) KiB")
        }
    }
}

extension InstanceState {
    /// Replaces the given series with `fresh`'s (empty ones).
    fileprivate mutating func emptyHistory(_ series: [WritableKeyPath<InstanceState, TimeSeries>], like fresh: Self) {
        for path in series { self[keyPath: path] = fresh[keyPath: path] }
    }
}
