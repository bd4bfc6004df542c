import Foundation
import Prometheus
import SvctopPprof
import Synchronization

/// A simulated Go service: traffic, goroutines, memory, pools, health, log level and drain, advanced in small
/// time steps. Its metrics are kept in a swift-prometheus registry with the names client_golang exposes.
///
/// Thread-safe: all state is behind one mutex; `advance` is called by the fleet's clock task, the HTTP handlers
/// read and change it concurrently.
public final class SimulatedService: Sendable {
    public let name: String
    public let scenario: Scenario
    private let state: Mutex<SimulationState>

    public init(name: String, scenario: Scenario, seed: UInt64, now: Double) {
        self.name = name
        self.scenario = scenario
        state = Mutex(SimulationState(scenario: scenario, seed: seed, now: now))
    }

    /// Advances the simulation to `now` (seconds since the epoch).
    public func advance(to now: Double) {
        state.withLock { $0.advance(to: now) }
    }

    /// The `/metrics` body in the Prometheus text format.
    public func exposition() -> [UInt8] {
        state.withLock { $0.exposition() }
    }

    public func goroutineDump(debugLevel: Int) -> String {
        state.withLock { GoroutineDumpWriter.dump($0.population(), debugLevel: debugLevel, seed: $0.dumpSeed()) }
    }

    /// A CPU profile of `seconds` as net/http/pprof serves it (gzip-compressed protobuf). The caller waits the
    /// seconds; this samples the simulation as it is when they are over.
    public func cpuProfile(seconds: Int) -> [UInt8] {
        state.withLock { s in
            var random = DemoRandom(seed: s.dumpSeed())
            return PprofEncoder.encode(DemoProfiles.cpu(s, seconds: seconds, random: &random), capturedAt: s.now)
        }
    }

    /// The heap profile (in-use and allocated space and objects), gzip-compressed protobuf.
    public func heapProfile() -> [UInt8] {
        state.withLock { s in
            var random = DemoRandom(seed: s.dumpSeed())
            return PprofEncoder.encode(DemoProfiles.heap(s, random: &random), capturedAt: s.now)
        }
    }

    /// Set while a CPU profile runs: Go allows one at a time.
    let isProfilingCPU = Mutex(false)

    public var isLive: Bool { true }

    /// Readiness: (passing, body).
    public func readiness() -> (Bool, String) {
        state.withLock { s in
            if s.draining { return (false, "draining: not accepting new requests") }
            if !s.flapReady { return (false, "not ready: dependency check failed (orders-db ping timeout)") }
            return (true, "ok")
        }
    }

    public var logLevel: String { state.withLock { $0.logLevel } }

    /// Sets the level; nil when the level is not one zap knows.
    public func setLogLevel(_ level: String) -> Bool {
        let known = ["debug", "info", "warn", "error", "dpanic", "panic", "fatal"]
        guard known.contains(level) else { return false }
        state.withLock { $0.logLevel = level }
        return true
    }

    public func drain() { state.withLock { $0.draining = true } }
    public func undrain() { state.withLock { $0.draining = false } }
    public var isDraining: Bool { state.withLock { $0.draining } }
    public var inflight: Double { state.withLock { $0.inflight } }
    public var goroutines: Double { state.withLock { Double($0.goroutineCount) } }
}
