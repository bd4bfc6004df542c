/// An incident a simulated instance acts out.
public enum Scenario: String, Sendable, CaseIterable {
    /// Steady traffic, everything fine.
    case healthy
    /// Leaks goroutines from one code site; memory follows; at the limit it "restarts" (counters reset).
    case leak
    /// Worker pool saturated: queue full, rejections, rising latency, DB pool waits.
    case saturated
    /// Periodic latency spikes with errors.
    case spiky
    /// Readiness flaps between passing and failing.
    case flapping

    /// A short description for `svctop demo` output and the README's tour.
    public var summary: String {
        switch self {
        case .healthy: return "steady traffic, healthy"
        case .leak: return "leaks goroutines in OrderWatcher.watch; memory follows until it restarts at its limit"
        case .saturated: return "worker pool and DB pool saturated, queue full, requests rejected"
        case .spiky: return "latency spikes every ~40s with 5xx errors"
        case .flapping: return "readiness flaps every ~8s"
        }
    }
}

/// One instance of the demo fleet.
public struct DemoInstanceSpec: Sendable, Equatable {
    public var name: String
    public var scenario: Scenario
    public init(name: String, scenario: Scenario) {
        self.name = name
        self.scenario = scenario
    }

    /// The fleet for `count` instances: one of each scenario first, then healthy ones. `only` restricts the
    /// incidents to one scenario (the rest stay healthy).
    public static func fleet(count: Int, only: Scenario? = nil) -> [DemoInstanceSpec] {
        let services = ["checkout", "orders", "payments", "catalog", "search", "users"]
        let incidents: [Scenario] = only.map { $0 == .healthy ? [] : [$0] } ?? [.leak, .saturated, .spiky, .flapping]
        return (0..<max(1, count)).map { i in
            let scenario = i < incidents.count ? incidents[i] : .healthy
            let service = services[(i / 2) % services.count]
            return DemoInstanceSpec(name: "\(service)-\(i % 2 == 0 ? "a" : "b")\(i >= 12 ? String(i / 12) : "")", scenario: scenario)
        }
    }
}
