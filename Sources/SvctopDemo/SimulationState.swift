import Foundation

/// The mutable simulation. Units: seconds, bytes, requests per second.
struct SimulationState {
    let scenario: Scenario
    var random: DemoRandom
    var now: Double
    var startedAt: Double
    var metrics: ProcessMetrics
    let memoryLimit: Double
    var logLevel = "info"
    var draining = false
    var drainFactor = 1.0
    var flapReady = true
    var nextFlap: Double
    var leaked = 0.0
    var inflight = 0.0
    var queue = 0.0
    var gcCycles = 0.0
    var goroutineCount = 0
    var heap = 40e6
    var restarts = 0
    static let workers = 32.0
    static let queueCap = 200.0
    static let dbMax = 20.0

    init(scenario: Scenario, seed: UInt64, now: Double) {
        self.scenario = scenario
        random = DemoRandom(seed: seed)
        self.now = now
        startedAt = now - 3600 * (1 + Double(seed % 7))
        memoryLimit = scenario == .leak ? 512 * 1024 * 1024 : 1024 * 1024 * 1024
        metrics = ProcessMetrics(limit: memoryLimit, startedAt: startedAt)
        nextFlap = now + 8
        heap = 28e6 + (scenario == .leak ? 600 * 46e3 : 0) + 100 * 6e3
        // Leak from a level that reaches the limit a few minutes into the demo.
        leaked = scenario == .leak ? 600 : 0
        advance(to: now + 0.001)
    }

    /// Requests per second before drain and incident effects.
    var baseRate: Double {
        let wave = 1 + 0.15 * sin(now / 60 * 2 * .pi)
        switch scenario {
        case .saturated: return 260 * wave
        case .spiky: return 140 * wave
        default: return 110 * wave
        }
    }

    var isSpiking: Bool { scenario == .spiky && now.truncatingRemainder(dividingBy: 40) < 9 }

    mutating func advance(to target: Double) {
        var t = now
        while t < target {
            let dt = min(0.1, target - t)
            t += dt
            now = t
            step(dt)
        }
    }

    mutating func step(_ dt: Double) {
        // Drain: traffic fades out over a few seconds; undrain brings it back.
        drainFactor = draining ? max(0, drainFactor - dt / 4) : min(1, drainFactor + dt / 2)
        if scenario == .flapping && now >= nextFlap {
            flapReady.toggle()
            nextFlap = now + (flapReady ? 8 : 5)
        }
        let rate = baseRate * drainFactor * (flapReady ? 1 : 0.2)
        let arrivals = random.poisson(rate * dt)
        var meanLatency = 0.0
        let handlers = [("/api/orders", "GET", 0.5), ("/api/orders/{id}", "GET", 0.3), ("/api/checkout", "POST", 0.2)]
        for _ in 0..<arrivals {
            let u = random.uniform()
            let handler = u < 0.5 ? handlers[0] : (u < 0.8 ? handlers[1] : handlers[2])
            var median = handler.1 == "POST" ? 0.045 : 0.018
            var errorChance = 0.002
            switch scenario {
            case .saturated:
                median *= 6 + queue / 20
                errorChance = queue >= SimulationState.queueCap * 0.98 ? 0.08 : 0.01
            case .spiky where isSpiking:
                median *= 25
                errorChance = 0.06
            case .leak:
                median *= 1 + leaked / 20000
            default:
                break
            }
            let latency = random.logNormal(median: median, sigma: 0.6)
            let code =
                random.uniform() < errorChance
                ? (scenario == .saturated ? 503 : 500) : (handler.1 == "POST" ? 201 : 200)
            metrics.observe(handler: handler.0, method: handler.1, code: code, seconds: latency)
            meanLatency += latency
        }
        let avg = arrivals > 0 ? meanLatency / Double(arrivals) : 0
        let target = rate * avg
        inflight += (target - inflight) * min(1, dt * 2)
        if draining && drainFactor == 0 { inflight = max(0, inflight - dt * 10) }
        if inflight < 0.05 && draining { inflight = 0 }

        // Worker pool and queue.
        var busy = min(SimulationState.workers, inflight * 0.8 + random.uniform() * 2)
        if scenario == .saturated && drainFactor > 0.2 {
            busy = SimulationState.workers
            queue = min(SimulationState.queueCap, queue + dt * 25)
            if queue >= SimulationState.queueCap { metrics.rejected.increment(by: Double(random.poisson(dt * 12))) }
        } else {
            queue = max(0, queue - dt * 40)
        }
        let db =
            scenario == .saturated && drainFactor > 0.2
            ? SimulationState.dbMax : min(SimulationState.dbMax, 2 + inflight * 0.3 + random.uniform())
        if db >= SimulationState.dbMax {
            let waits = Double(random.poisson(dt * 30))
            metrics.dbWaitCount.increment(by: waits)
            metrics.dbWaitDuration.increment(by: waits * random.logNormal(median: 0.12, sigma: 0.3))
        }

        // Goroutines and memory.
        if scenario == .leak && drainFactor > 0 { leaked += dt * 20 * (0.7 + random.uniform() * 0.6) }
        let base = 38 + Double(Int(SimulationState.workers)) + inflight * 2 + queue
        goroutineCount = Int(base + leaked)
        heap += ((28e6 + Double(goroutineCount) * 6e3 + leaked * 40e3 + inflight * 2e5) - heap) * min(1, dt)
        heap += random.normal() * 2e5
        let rss = heap * 1.35 + 22e6
        gcCycles += dt * (0.5 + rate / 400)

        if rss >= memoryLimit {
            restart()
            return
        }
        metrics.goroutines.set(Double(goroutineCount))
        metrics.threads.set(Double(9 + Int(inflight / 20)))
        metrics.heapInuse.set(heap.rounded())
        metrics.rss.set(rss.rounded())
        metrics.inflight.set(inflight.rounded())
        metrics.workersBusy.set(busy.rounded())
        metrics.workersMax.set(SimulationState.workers)
        metrics.queueDepth.set(queue.rounded())
        metrics.queueCapacity.set(SimulationState.queueCap)
        metrics.dbInUse.set(db.rounded())
        metrics.dbIdle.set(max(0, 4 - db.rounded()))
        metrics.dbOpen.set(max(db.rounded(), 4))
        metrics.dbMaxOpen.set(SimulationState.dbMax)
    }

    /// The OOM kill and restart: a new process, so every counter starts from zero.
    mutating func restart() {
        restarts += 1
        startedAt = now
        metrics = ProcessMetrics(limit: memoryLimit, startedAt: now)
        leaked = 0
        heap = 30e6
        inflight = 0
        queue = 0
        gcCycles = 0
        logLevel = "info"
    }

    func exposition() -> [UInt8] {
        var bytes = metrics.registry.emitToBuffer()
        // swift-prometheus has no summaries; client_golang exposes GC pauses as one.
        let p = 0.00004 + Double(goroutineCount) * 1e-9
        let gc = """
            # HELP go_gc_duration_seconds A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.
            # TYPE go_gc_duration_seconds summary
            go_gc_duration_seconds{quantile="0"} \(p * 0.4)
            go_gc_duration_seconds{quantile="0.25"} \(p * 0.8)
            go_gc_duration_seconds{quantile="0.5"} \(p)
            go_gc_duration_seconds{quantile="0.75"} \(p * 1.4)
            go_gc_duration_seconds{quantile="1"} \(p * 6)
            go_gc_duration_seconds_sum \(gcCycles * p)
            go_gc_duration_seconds_count \(Int(gcCycles))
            # HELP go_info Information about the Go environment.
            # TYPE go_info gauge
            go_info{version="go1.22.6"} 1

            """
        bytes.append(contentsOf: Array(gc.utf8))
        return bytes
    }

    func dumpSeed() -> UInt64 { UInt64(bitPattern: Int64(now * 10)) }

    /// The goroutine population by code site, for dumps.
    func population() -> GoroutinePopulation {
        GoroutinePopulation(
            httpConnections: max(2, Int(inflight) + 6), workers: Int(SimulationState.workers), queued: Int(queue),
            leaked: Int(leaked), dbWaiters: scenario == .saturated ? 12 : 0, uptimeMinutes: Int((now - startedAt) / 60),
            leakMinutes: scenario == .leak ? max(1, Int((now - startedAt) / 60)) : 0)
    }
}
