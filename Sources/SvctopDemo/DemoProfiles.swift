import SvctopCore

/// The CPU and heap profiles a simulated service serves: functions of the demo's Go service, with values that
/// follow the simulation (the leaking instance's heap grows in the leaking goroutines' function, the saturated
/// one burns CPU pricing orders, GC follows the heap).
enum DemoProfiles {
    static let app = GoroutineDumpWriter.app
    static let cpuTypes = [
        PprofSampleType(name: "samples", unit: "count"), PprofSampleType(name: "cpu", unit: "nanoseconds"),
    ]
    static let heapTypes = [
        PprofSampleType(name: "alloc_objects", unit: "count"), PprofSampleType(name: "alloc_space", unit: "bytes"),
        PprofSampleType(name: "inuse_objects", unit: "count"), PprofSampleType(name: "inuse_space", unit: "bytes"),
    ]

    /// Stacks, leaf first, of the demo service's code.
    static let serve = ["net/http.(*conn).serve", "runtime.goexit"]
    static let handler = ["\(app)/internal/api.(*Handler).GetOrder", "net/http.HandlerFunc.ServeHTTP"] + serve

    /// A CPU profile of `seconds`: the share of a core each activity used, times the length, in 10 ms samples.
    static func cpu(_ s: SimulationState, seconds: Int, random: inout DemoRandom) -> PprofProfile {
        let rate = max(1, s.baseRate * s.drainFactor)
        var b = PprofProfile.Builder(kind: .cpu, sampleTypes: cpuTypes)
        func add(_ stack: [String], cores: Double) {
            let ns = cores * Double(seconds) * (0.85 + random.uniform() * 0.3) * 1e9
            let samples = Int64((ns / 1e7).rounded())
            guard samples > 0 else { return }
            b.add(
                stack: stack.map { b.function(name: $0, file: file(of: $0)) }, values: [samples, samples * 10_000_000])
        }
        add(["encoding/json.(*encodeState).marshal", "encoding/json.Marshal"] + handler, cores: rate * 0.0004)
        add(["\(app)/internal/store.(*Store).GetOrder"] + handler, cores: rate * 0.0002)
        add(
            [
                "syscall.Syscall6", "internal/poll.(*FD).Write", "net.(*conn).Write",
                "net/http.(*response).finishRequest",
            ]
                + serve, cores: rate * 0.0003)
        add(
            ["runtime.scanobject", "runtime.gcDrain", "runtime.gcBgMarkWorker", "runtime.goexit"],
            cores: 0.02 + s.heap / 2e9)
        add(["runtime.futex", "runtime.findRunnable", "runtime.schedule", "runtime.mcall"], cores: 0.01)
        add(["\(app)/internal/metrics.(*Registry).Collect", "net/http.HandlerFunc.ServeHTTP"] + serve, cores: 0.004)
        switch s.scenario {
        case .saturated:
            add(
                [
                    "\(app)/internal/pricing.(*Engine).Quote", "\(app)/internal/api.(*Handler).Checkout",
                    "\(app)/internal/pool.(*Pool).worker", "runtime.goexit",
                ], cores: 1.6)
            add(
                ["runtime.lock2", "database/sql.(*DB).conn", "\(app)/internal/store.(*Store).GetOrder"] + handler,
                cores: 0.2)
        case .leak:
            add(
                ["runtime.selectgo", "\(app)/internal/watch.(*OrderWatcher).watch.func1", "runtime.goexit"],
                cores: s.leaked / 40_000)
        case .spiky:
            add(["\(app)/internal/render.(*Template).Execute"] + handler, cores: s.isSpiking ? 0.9 : 0.05)
        default:
            break
        }
        return b.build(defaultSampleType: 1, durationSeconds: Double(seconds))
    }

    /// A heap profile: in-use bytes by allocating function (summing to the heap gauge), and what was allocated
    /// since the process started.
    static func heap(_ s: SimulationState, random: inout DemoRandom) -> PprofProfile {
        var b = PprofProfile.Builder(kind: .heap, sampleTypes: heapTypes)
        let uptime = max(60, s.now - s.startedAt)
        func add(_ stack: [String], inuse: Double, objectSize: Double, allocatedPerSecond: Double) {
            let inuseBytes = Int64(max(0, inuse * (0.97 + random.uniform() * 0.06)))
            let allocBytes = inuseBytes + Int64(allocatedPerSecond * uptime)
            let size = max(1, objectSize)
            b.add(
                stack: stack.map { b.function(name: $0, file: file(of: $0)) },
                values: [Int64(Double(allocBytes) / size), allocBytes, Int64(Double(inuseBytes) / size), inuseBytes])
        }
        let rate = max(1, s.baseRate * s.drainFactor)
        add(
            ["\(app)/internal/catalog.(*Cache).load", "\(app)/internal/catalog.New", "main.main"], inuse: 14e6,
            objectSize: 4096, allocatedPerSecond: 0)
        add(
            ["encoding/json.(*decodeState).object", "encoding/json.Unmarshal"] + handler, inuse: 6e6,
            objectSize: 512, allocatedPerSecond: rate * 9e3)
        add(
            ["bufio.NewReaderSize", "net/http.(*conn).serve", "runtime.goexit"], inuse: 4e6, objectSize: 4096,
            allocatedPerSecond: rate * 4096)
        add(
            ["runtime.malg", "runtime.newproc1", "runtime.newproc"], inuse: Double(s.goroutineCount) * 6e3,
            objectSize: 416, allocatedPerSecond: rate * 416)
        add(
            ["net/http.(*conn).readRequest"] + serve, inuse: s.inflight * 2e5 + 4e6, objectSize: 1024,
            allocatedPerSecond: rate * 3e3)
        if s.leaked > 0 {
            add(
                ["\(app)/internal/watch.(*OrderWatcher).watch.func1", "runtime.goexit"], inuse: s.leaked * 40e3,
                objectSize: 40e3, allocatedPerSecond: 0)
        }
        return b.build(defaultSampleType: 3, durationSeconds: 0)
    }

    static func file(of function: String) -> String {
        if function.hasPrefix(app) {
            let package = function.dropFirst(app.count + 1).split(separator: ".").first ?? "main"
            return "\(GoroutineDumpWriter.src)/\(package)/\(package.split(separator: "/").last ?? "x").go"
        }
        let package = function.split(separator: ".").first ?? "runtime"
        return "/usr/local/go/src/\(package)/\(package.split(separator: "/").last ?? "x").go"
    }
}
