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
